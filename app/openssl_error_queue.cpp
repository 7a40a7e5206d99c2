// OpenSSL's I/O calls, each preceded by emptying the calling thread's error queue.
//
// OpenSSL requires that queue to be empty before SSL_read, SSL_write, SSL_accept or
// SSL_connect: SSL_get_error reads it first and reports any entry there as the call's own
// fatal error. CAF 0.17's TLS transport (libcaf_openssl, which carries the cluster's
// connections) neither empties it before a call nor, as packaged without logging, drains it
// after a failed one. So one peer that fails its TLS handshake (a worker speaking plain TCP,
// a port scanner) left an entry on the middleman's I/O thread, and the next read of any
// healthy connection on that thread that merely had to wait for data was taken for an error:
// the engine dropped every TLS worker it had.
//
// These definitions live in the executable, which the dynamic linker searches before libssl,
// so libcaf_openssl's calls land here; each empties the queue and calls libssl's own function.
// Our own code calls none of them.

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

/// libssl's own definition of `name`, the next one after this executable's; aborts when
/// there is none (libssl is linked, so there always is).
template <class Function>
Function libssl_function(const char* name) {
  void* symbol = dlsym(RTLD_NEXT, name);
  if (symbol == nullptr) {
    std::fprintf(stderr, "auralis-buffer: libssl has no %s\n", name);
    std::abort();
  }
  Function f;
  static_assert(sizeof f == sizeof symbol, "a function pointer is as wide as a data pointer");
  std::memcpy(&f, &symbol, sizeof f);
  return f;
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto next = libssl_function<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return next(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto next = libssl_function<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return next(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  static const auto next = libssl_function<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return next(ssl);
}

int SSL_connect(SSL* ssl) {
  static const auto next = libssl_function<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return next(ssl);
}

} // extern "C"
