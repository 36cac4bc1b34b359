// The regex tool's catalogue: well-known credential formats (by their documented
// prefixes and lengths) and common PII. Anchored on fixed prefixes wherever the format
// has one, so the false-positive rate stays low on source code and tool output.
// To add a format: one entry here, a fake sample in tests/fixtures/security/, and a row
// in docs/security.md.
#include <cctype>

#include "engine/security/detectors.h"

namespace ot::security {

namespace {

bool luhn_ok(std::string_view s, std::string_view) {
  int sum = 0, n = 0;
  bool dbl = false;
  for (size_t i = s.size(); i-- > 0;) {
    char c = s[i];
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    dbl = !dbl;
    ++n;
  }
  return n >= 13 && n <= 19 && sum % 10 == 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Emails that identify no person: documentation domains, bot/no-reply senders, git remotes.
bool email_ok(std::string_view email, std::string_view) {
  std::string e = lower(email);
  size_t at = e.find('@');
  if (at == std::string::npos) return false;
  std::string local = e.substr(0, at), domain = e.substr(at + 1);
  for (const char* d : {"example.com", "example.org", "example.net", "users.noreply.github.com", "localhost"})
    if (domain == d || (domain.size() > std::string(d).size() && domain.ends_with(std::string(".") + d))) return false;
  if (local == "noreply" || local == "no-reply" || local == "git" || local.starts_with("noreply+")) return false;
  // file names like "image@2x.png" or "icon@3x.webp"
  for (const char* ext : {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".js", ".ts", ".css"})
    if (domain.ends_with(ext)) return false;
  return true;
}

// A value assigned to a password/secret/token-like name: keep only values that look like
// literals, not code (`process.env.X`, `${VAR}`, `getpass()`, `<your-key>`, `None`).
bool assigned_secret_ok(std::string_view v, std::string_view) {
  if (v.size() < 8) return false;
  std::string l = lower(v);
  for (const char* bad : {"env", "${", "$(", "{{", "<", "(", "***", "xxxx", "redacted", "example", "placeholder",
                          "changeme", "your_", "your-", "none", "null", "true", "false", "undefined",
                          "self.", "this.", "args.", "config.", "settings.", "params."})
    if (l.find(bad) != std::string::npos) return false;
  bool digit = false, alpha = false;
  for (char c : v) {
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    if (std::isalpha(static_cast<unsigned char>(c))) alpha = true;
  }
  return digit && alpha;  // identifiers without digits (`user_password_field`) are code
}

bool ssn_ok(std::string_view v, std::string_view) {
  if (v.size() != 11) return false;
  std::string_view area = v.substr(0, 3);
  return area != "000" && area != "666" && area[0] != '9' && v.substr(4, 2) != "00" && v.substr(7) != "0000";
}

// Phone numbers: not version triples or dates; at least 10 digits in all.
bool phone_ok(std::string_view v, std::string_view) {
  int digits = 0;
  for (char c : v)
    if (std::isdigit(static_cast<unsigned char>(c))) ++digits;
  return digits >= 10 && digits <= 15;
}

std::vector<CatalogueEntry> build() {
  std::vector<CatalogueEntry> c = {
      // --- private keys first: the longest spans ---
      {"private_key", "secret", "PEM/OpenSSH/PGP private key block",
       R"~(-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----)~"},
      {"private_key", "secret", "private key block without its END line (truncated output)",
       R"~(-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:(?:\\[nr]|[ \t\r\n])*[A-Za-z0-9+/=:,\-]{8,})+)~"},
      // --- cloud providers ---
      {"aws_access_key", "secret", "AWS access key id (AKIA/ASIA/...)",
       R"~(\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b)~"},
      {"aws_secret_key", "secret", "AWS secret access key next to an aws/secret name",
       R"~((?i:aws|secret_access_key|secretaccesskey)[A-Za-z0-9_\-."' ]{0,30}?[=:]\s*["']?(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=]))~"},
      {"aws_session_token", "secret", "AWS session token",
       R"~((?i:aws_session_token|x-amz-security-token)["']?\s*[=:]\s*["']?(?<s>[A-Za-z0-9/+=]{100,}))~"},
      {"gcp_api_key", "secret", "Google API key (AIza...)", R"~(\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-]))~"},
      {"gcp_oauth_token", "secret", "Google OAuth access token (ya29.)", R"~(\bya29\.[0-9A-Za-z_\-]{30,})~"},
      {"gcp_service_account_key_id", "secret", "service-account private_key_id",
       R"~("private_key_id"\s*:\s*"(?<s>[a-f0-9]{40})")~"},
      {"azure_storage_key", "secret", "Azure storage account key / AccountKey=",
       R"~((?i:AccountKey|SharedAccessKey)=(?<s>[A-Za-z0-9+/]{40,90}={0,2}))~"},
      {"azure_sas_token", "secret", "Azure SAS signature (sig=)",
       R"~([?&]sig=(?<s>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2}))~"},
      {"azure_client_secret", "secret", "Azure AD client secret (Q~ form)",
       R"~(\b[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}(?![A-Za-z0-9_~.\-]))~"},
      {"digitalocean_token", "secret", "DigitalOcean token", R"~(\bdo[opr]_v1_[a-f0-9]{64}\b)~"},
      // --- code hosts and CI ---
      {"github_token", "secret", "GitHub token (ghp_/gho_/ghu_/ghs_/ghr_)", R"~(\bgh[pousr]_[A-Za-z0-9]{36,255}\b)~"},
      {"github_fine_grained_token", "secret", "GitHub fine-grained PAT", R"~(\bgithub_pat_[A-Za-z0-9_]{60,255}\b)~"},
      {"gitlab_token", "secret", "GitLab token (glpat-/gldt-/glrt-/glptt-/gloas-)",
       R"~(\bgl(?:pat|dt|rt|ptt|oas|cbt|imt|ffct|agent|soat)-[A-Za-z0-9_\-]{20,64}(?![A-Za-z0-9_\-]))~"},
      {"npm_token", "secret", "npm access token", R"~(\bnpm_[A-Za-z0-9]{36}\b)~"},
      {"pypi_token", "secret", "PyPI upload token", R"~(\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})~"},
      // --- chat / SaaS ---
      {"slack_token", "secret", "Slack token (xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xapp-)",
       R"~(\b(?:xox[abposr]|xapp)-[0-9A-Za-z\-]{10,250})~"},
      {"slack_webhook", "secret", "Slack incoming webhook URL",
       R"~(https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,})~"},
      {"discord_webhook", "secret", "Discord webhook URL",
       R"~(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]{30,})~"},
      {"telegram_bot_token", "secret", "Telegram bot token", R"~(\b\d{8,10}:AA[A-Za-z0-9_\-]{33}\b)~"},
      {"stripe_key", "secret", "Stripe secret/restricted key (sk_/rk_ live|test)",
       R"~(\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}\b)~"},
      {"stripe_webhook_secret", "secret", "Stripe webhook signing secret", R"~(\bwhsec_[A-Za-z0-9]{24,}\b)~"},
      {"sendgrid_key", "secret", "SendGrid API key", R"~(\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b)~"},
      {"twilio_key", "secret", "Twilio API key SID", R"~(\bSK[0-9a-f]{32}\b)~"},
      {"mailgun_key", "secret", "Mailgun API key", R"~(\bkey-[0-9a-f]{32}\b)~"},
      {"shopify_token", "secret", "Shopify access token", R"~(\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b)~"},
      {"linear_api_key", "secret", "Linear API key", R"~(\blin_api_[A-Za-z0-9]{40}\b)~"},
      {"databricks_token", "secret", "Databricks token", R"~(\bdapi[a-f0-9]{32}(?:-\d)?\b)~"},
      {"sentry_dsn", "secret", "Sentry DSN with key", R"~(https://(?<s>[0-9a-f]{32})@[a-z0-9.\-]+\.sentry\.io/\d+)~"},
      {"age_secret_key", "secret", "age encryption secret key", R"~(\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b)~"},
      // --- AI providers ---
      {"anthropic_api_key", "secret", "Anthropic API key (sk-ant-...)", R"~(\bsk-ant-[a-z]{3,8}\d{2}-[A-Za-z0-9_\-]{80,120})~"},
      {"openai_api_key", "secret", "OpenAI API key (sk-proj-/sk-svcacct-/sk-...T3BlbkFJ...)",
       R"~(\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,200}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b|\bsk-[A-Za-z0-9]{48}\b)~"},
      {"huggingface_token", "secret", "Hugging Face token (hf_...)", R"~(\bhf_[A-Za-z0-9]{34,40}\b)~"},
      {"google_gemini_key", "secret", "Google AI Studio key", R"~(\bAIzaSy[0-9A-Za-z_\-]{33}\b)~"},
      // --- generic credentials ---
      {"jwt", "secret", "JSON Web Token", R"~(\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})~"},
      {"connection_string_password", "secret", "password inside a database/broker URL",
       R"~(\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb|snowflake|ldaps?|smtps?|s?ftp)://[^\s:/@'"]{1,64}:(?<s>[^\s@'"/]{1,128})@)~",
       true},
      {"url_credentials", "secret", "user:password@ in an http(s) URL",
       R"~(\bhttps?://[^\s:/@'"]{1,64}:(?<s>[^\s@'"/]{3,128})@)~", true},
      {"connection_string_password", "secret", "Password=/Pwd= in an ADO/JDBC connection string",
       R"~((?:^|[;\s"'?&])(?i:password|pwd)=(?<s>[^;\s'"&]{3,128}))~"},
      {"bearer_token", "secret", "Authorization: Bearer/Basic/Token header value",
       R"~((?i:authorization)["']?\s*[:=]\s*["']?(?i:bearer|basic|token)\s+(?<s>[A-Za-z0-9._~+/\-]{16,}=*))~"},
      {"assigned_secret", "secret", "a literal assigned to password/secret/api_key/token names",
       R"~((?i:\b(?:[a-z0-9_]*_)?(?:password|passwd|passphrase|secret|api_?key|apikey|access_?token|auth_?token|client_?secret|private_?key))["']?\s*(?:[:=]|:=|=>)\s*["'`](?<s>[^\s"'`]{8,200})["'`])~",
       false, assigned_secret_ok},
      {"env_secret", "secret", "KEY=value lines whose name says PASSWORD/SECRET/TOKEN/API_KEY (.env, export)",
       R"~((?m)^[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*[ \t]*=[ \t]*(?<s>[^\s"'#]{8,200}))~",
       false, assigned_secret_ok},
      // --- PII ---
      {"email", "pii", "email address (documentation and no-reply domains excepted)",
       R"~((?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}\b)~", false, email_ok},
      {"phone_number", "pii", "phone number (+country form, or (NNN) NNN-NNNN)",
       R"~((?<![\w+])(?:\+[1-9]\d{9,14}|\+[1-9]\d{0,2}[ \-.]?(?:\(\d{1,4}\)[ \-.]?)?\d{2,4}[ \-.]\d{3,4}[ \-.]?\d{2,4}|\(\d{3}\)\s?\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4})\b)~",
       false, phone_ok},
      {"credit_card", "pii", "payment card number (Luhn-checked)",
       R"~((?<![\w\-])(?:4\d{3}|5[1-5]\d{2}|3[47]\d{2}|6011)(?:[ \-]?\d{4}){2}[ \-]?\d{1,4}(?:\d{3})?(?![\w\-]))~", false, luhn_ok},
      {"us_ssn", "pii", "US social security number", R"~(\b\d{3}-\d{2}-\d{4}\b)~", false, ssn_ok},
  };
  return c;
}

struct Compiled {
  const CatalogueEntry* entry;
  Pattern pattern;
};

const std::vector<Compiled>& compiled() {
  static const std::vector<Compiled> all = [] {
    std::vector<Compiled> out;
    for (const auto& e : catalogue()) {
      auto p = Pattern::compile(e.pattern, e.caseless, "regex catalogue " + e.type);
      if (p.ok()) out.push_back({&e, std::move(p).value()});  // a broken entry is caught by the unit test
    }
    return out;
  }();
  return all;
}

}  // namespace

const std::vector<CatalogueEntry>& catalogue() {
  static const std::vector<CatalogueEntry> all = build();
  return all;
}

void scan_regex(std::string_view text, std::vector<Span>& out) {
  for (const auto& c : compiled()) {
    c.pattern.find_all(text, [&](const Match& m) {
      std::string_view secret = text.substr(m.secret_begin, m.secret_end - m.secret_begin);
      if (secret.starts_with("[REDACTED:") || secret.starts_with("[USER:")) return;
      if (c.entry->accept && !c.entry->accept(secret, text.substr(m.begin, m.end - m.begin))) return;
      // Secrets outrank PII; within a category the earlier (more specific) entry wins.
      int rank = (c.entry->category == "secret" ? 3000 : 2000) - static_cast<int>(&c - compiled().data());
      out.push_back({m.secret_begin, m.secret_end, c.entry->type, "regex", rank});
    });
  }
}

}  // namespace ot::security
