# Writes a C++ file holding the API docs that authd serves (docs/openapi.json, the
# Swagger UI page and its start script), so that the executable is self-contained.
# Raw strings with a delimiter of our own: the JSON may contain )" sequences.
set(body "// Generated from docs/ by embed_docs.cmake. Do not edit.\n#include \"adapters/http/embedded_docs.hpp\"\n\nnamespace authd::http {\n")
foreach(pair "embedded_openapi_json=openapi.json" "embedded_docs_html=ui/index.html" "embedded_docs_init_js=ui/docs-init.js")
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 fn)
  list(GET pair 1 file)
  file(READ ${ROOT}/${file} text)
  string(FIND "${text}" ")authd_doc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter )authd_doc\"")
  endif()
  string(APPEND body "std::string_view ${fn}() {\n    return R\"authd_doc(${text})authd_doc\";\n}\n")
endforeach()
string(APPEND body "}  // namespace authd::http\n")
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
