// The classifier tool (a judge): a deterministic sensitivity score for a whole value,
// from keyword signals and the other tools' findings. It redacts nothing; its verdict is
// recorded, and at privacy tier `high` a "high" verdict is an open finding that keeps
// the trace from leaving the machine until someone looks at it.
#include <cctype>

#include "engine/security/detectors.h"

namespace ot::security {

namespace {

struct Signal {
  const char* name;
  int weight;
  std::vector<const char*> words;  // lower-case; matched as substrings of lower-cased text
};

const std::vector<Signal>& signals() {
  static const std::vector<Signal> all = {
      {"confidentiality_marking", 3,
       {"confidential", "internal only", "internal use only", "do not distribute", "do not share", "proprietary",
        "under nda", "trade secret", "not for public", "restricted distribution"}},
      {"credentials_discussed", 2,
       {"password is", "my password", "the password", "api key is", "secret key", "private key", "credentials for",
        "login credentials", "access token"}},
      {"personal_data", 2,
       {"social security", "date of birth", "passport number", "driver's license", "home address", "medical record",
        "diagnosis", "salary", "bank account", "credit card"}},
      {"customer_data", 2, {"customer data", "customer list", "customer records", "production database", "prod db",
                            "pii", "gdpr", "hipaa", "personal information"}},
      {"security_incident", 2, {"vulnerability", "exploit", "incident", "breach", "cve-"}},
  };
  return all;
}

}  // namespace

void Classifier::observe(std::string_view text) {
  if (hits_.empty()) hits_.assign(signals().size(), 0);
  std::string l(text);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < signals().size(); ++i)
    for (const char* w : signals()[i].words)
      if (l.find(w) != std::string::npos) {
        hits_[i]++;
        break;
      }
}

ClassifierVerdict Classifier::verdict(const std::vector<std::string>& finding_types) const {
  ClassifierVerdict v;
  for (size_t i = 0; i < hits_.size(); ++i)
    if (hits_[i] > 0) {
      v.score += signals()[i].weight * (hits_[i] > 2 ? 2 : 1);
      v.signals.push_back(signals()[i].name);
    }
  int secret = 0, pii = 0;
  for (const auto& t : finding_types) {
    if (t == "email" || t == "phone_number" || t == "credit_card" || t == "us_ssn") ++pii;
    else if (t != "home_path") ++secret;
  }
  if (secret > 0) {
    v.score += secret > 3 ? 4 : 2;
    v.signals.push_back("secrets_found");
  }
  if (pii > 0) {
    v.score += pii > 3 ? 3 : 1;
    v.signals.push_back("pii_found");
  }
  v.level = v.score >= 8 ? "high" : v.score >= 4 ? "medium" : "low";
  return v;
}

}  // namespace ot::security
