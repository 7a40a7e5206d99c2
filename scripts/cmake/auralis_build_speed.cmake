# Build-time settings that change how fast the tree compiles, not what it checks.

# Precompiled headers for the third-party headers every actor-based source parses: CAF,
# spdlog, simdjson and the standard headers they pull in. Parsing them is 2-4 s of every
# such translation unit. One precompiled header serves them all (see auralis_caf_pch).
# g++ only, and off in the ThreadSanitizer and fuzz builds: those compile every source
# without it, so a source that forgets an include the precompiled header would supply still
# fails somewhere. Boost.Test is not in it: each test defines BOOST_TEST_MODULE before
# including it, and the header's content depends on that.
set(auralis_pch_default OFF)
if(CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$" AND NOT AURALIS_TSAN AND NOT AURALIS_FUZZ)
  set(auralis_pch_default ON)
endif()
option(AURALIS_PCH "Precompile the CAF/spdlog/simdjson headers (g++, clang)" ${auralis_pch_default})
set(AURALIS_CAF_PCH_HEADERS
  <algorithm> <chrono> <cstdint> <filesystem> <functional> <map> <memory> <optional>
  <string> <vector> <caf/all.hpp> <spdlog/spdlog.h> <simdjson.h>)

# auralis_caf_pch(<target>): <target> compiles with that precompiled header. The first target
# builds it, the others reuse it, so they must all have the same optimisation, sanitizer and
# preprocessor flags as far as these headers see them (the build then fails on
# -Winvalid-pch rather than silently parsing the headers again). The audio code compiled
# with AURALIS_AUDIO_OPT and the sources that do not use CAF do not use it.
function(auralis_caf_pch target)
  if(NOT AURALIS_PCH)
    return()
  endif()
  get_property(host GLOBAL PROPERTY AURALIS_CAF_PCH_HOST)
  if(host)
    target_precompile_headers(${target} REUSE_FROM ${host})
  else()
    target_precompile_headers(${target} PRIVATE ${AURALIS_CAF_PCH_HEADERS})
    set_property(GLOBAL PROPERTY AURALIS_CAF_PCH_HOST ${target})
  endif()
endfunction()

# The audio code (config/, codec/, dsp/ and their tests) does the numeric work the test
# suite runs for real. A build that lowers the optimisation of everything else to compile
# faster (the sanitizer build of scripts/test: -O0, which halves the compile time of the
# CAF-heavy sources) keeps it at AURALIS_AUDIO_OPT (there -O1): its tests are the longest
# of the suite, and it is a small part of the compile time.
set(AURALIS_AUDIO_OPT "" CACHE STRING
  "Optimisation flag for config/, codec/, dsp/ and their tests, after the build type's (empty: the build type's)")
add_library(auralis_audio_options INTERFACE)
if(AURALIS_AUDIO_OPT)
  target_compile_options(auralis_audio_options INTERFACE ${AURALIS_AUDIO_OPT})
endif()
