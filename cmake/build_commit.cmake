# Writes OUT, the header "flowgap/build_commit.hpp": FLOWGAP_COMMIT is `git describe` of the source
# tree flowgap is built from, or "unknown" when that is no git checkout (a release tarball, even
# one unpacked inside some other repository) or git is missing. Run at every build (src/CMakeLists.txt),
# so `flowgap --version` never names a commit older than the code; OUT is rewritten only when the
# commit changed, so an unchanged tree recompiles nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... [-DGIT=/usr/bin/git] -P build_commit.cmake
set(commit "unknown")
if(GIT)
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --show-toplevel
                  OUTPUT_VARIABLE top RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  file(REAL_PATH "${SOURCE_DIR}" source_real)
  if(rc EQUAL 0)
    file(REAL_PATH "${top}" top_real)
  endif()
  if(rc EQUAL 0 AND top_real STREQUAL source_real)
    execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                    OUTPUT_VARIABLE described RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND described MATCHES "^[0-9A-Za-z._+-]+$")
      set(commit "${described}")
    endif()
  endif()
endif()
set(text "// Generated at build time by cmake/build_commit.cmake.\n#pragma once\n\n#define FLOWGAP_COMMIT \"${commit}\"\n")
file(WRITE "${OUT}.tmp" "${text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
