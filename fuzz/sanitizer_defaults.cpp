// Sanitizer defaults linked into every fuzz target, so that a finding run again by hand
// (build-fuzz/fuzz/<target> <file>) prints its stack; ASAN_OPTIONS and UBSAN_OPTIONS in
// the environment still override them.

/// UBSan: a stack with every report, and stop at the first (as -fno-sanitize-recover does).
extern "C" const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}

/// ASan: leaks are findings too.
extern "C" const char* __asan_default_options() { return "detect_leaks=1"; }
