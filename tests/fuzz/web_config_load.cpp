// Fuzzes the web config loader and the X.509 key-pair check: arbitrary input never crashes
// them. The input is a web config; split at its first NUL byte, the two halves are also tried
// as a PEM certificate and key.
#include <cstdint>
#include <string_view>

#include "config/internal/x509_keypair.h"
#include "config/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cfg = promkit::config::ParseWebConfig(in, "dir");
  if (cfg.ok()) {
    for (const auto& [user, hash] : cfg->basic_auth_users) (void)promkit::config::BcryptCost(hash);
    (void)promkit::config::ParseClientAuth(cfg->tls_server_config.client_auth_type);
    (void)promkit::config::internal::CheckX509KeyPair(cfg->tls_server_config.cert,
                                                      cfg->tls_server_config.key);
  }
  const size_t nul = in.find('\0');
  if (nul != std::string_view::npos) {
    (void)promkit::config::internal::CheckX509KeyPair(in.substr(0, nul), in.substr(nul + 1));
  }
  return 0;
}
