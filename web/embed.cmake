# `git opentraces serve` embeds its static assets (web/static/*) into the library as byte
# arrays, so the binary serves them the same from the build tree and an installed copy.
file(GLOB OT_WEB_ASSETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/static/*)
set(OT_WEB_ASSETS_CPP ${CMAKE_BINARY_DIR}/generated/web_assets.cpp)
add_custom_command(OUTPUT ${OT_WEB_ASSETS_CPP}
  COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_SOURCE_DIR}/web/static -DOUT=${OT_WEB_ASSETS_CPP}
          -P ${CMAKE_SOURCE_DIR}/web/embed_gen.cmake
  DEPENDS ${OT_WEB_ASSETS} ${CMAKE_SOURCE_DIR}/web/embed_gen.cmake
  COMMENT "Embedding web/static assets" VERBATIM)
target_sources(opentraces PRIVATE ${OT_WEB_ASSETS_CPP})
