#pragma once
// Go's tls.X509KeyPair as a check, without a crypto library: PEM decoding exactly as Go's
// encoding/pem (block search, headers, base64), the same choice of CERTIFICATE and "... PRIVATE
// KEY" blocks with the same errors, a structural DER walk of the first certificate down to its
// public key (x509.ParseCertificate's order and messages for every field it reads on the way;
// names, validity times and extensions are not parsed further), PKCS#1, PKCS#8 and SEC 1 private
// keys, and the key-match test: RSA moduli compared, ECDSA points compared when the key file
// carries its public point (OpenSSL writes it), Ed25519 keys compared when a PKCS#8 v2 key carries
// its public key. What needs elliptic-curve arithmetic (a bare EC scalar, an Ed25519 seed) is
// accepted unmatched.
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::config::internal {

struct PemBlock {
  std::string type;
  std::string bytes;  // the decoded body
};

// encoding/pem.Decode: the next PEM block in `*rest`, advancing it past the block; nullopt
// (and `*rest` unchanged) when there is none.
std::optional<PemBlock> DecodePem(std::string_view* rest);

// OK when `cert_pem` and `key_pem` make a usable pair; else Go's error text, e.g.
// "tls: private key does not match public key" or "x509: malformed certificate".
util::Status CheckX509KeyPair(std::string_view cert_pem, std::string_view key_pem);

}  // namespace promkit::config::internal
