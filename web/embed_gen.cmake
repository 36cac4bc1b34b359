# cmake -DDIR=<web/static> -DOUT=<file.cpp> -P embed_gen.cmake: writes every file of DIR
# as a byte array and the table engine/web/assets.cpp looks names up in.
file(GLOB files ${DIR}/*)
list(SORT files)
set(arrays "")
set(table "")
set(i 0)
foreach(f ${files})
  get_filename_component(name ${f} NAME)
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR size "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "const unsigned char a${i}[] = {${bytes}0};\n")
  string(APPEND table "    {\"${name}\", std::string_view(reinterpret_cast<const char*>(a${i}), ${size})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from web/static by web/embed_gen.cmake; do not edit.
#include <string_view>
#include <utility>
#include <vector>

namespace ot::web {
namespace {
${arrays}}  // namespace

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files() {
  static const std::vector<std::pair<std::string_view, std::string_view>> files = {
${table}  };
  return files;
}

}  // namespace ot::web
")
file(RENAME ${OUT}.tmp ${OUT})
