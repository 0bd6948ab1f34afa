#include "config/internal/x509_keypair.h"

#include <cstdint>
#include <vector>

#include <fmt/core.h>

namespace promkit::config::internal {
namespace {

using util::Status;

// ---------------------------------------------------------------------------------------------
// PEM (encoding/pem): a block is "-----BEGIN TYPE-----", optional "Key: value" header lines,
// base64 body, "-----END TYPE-----"; a candidate that does not close properly is skipped and the
// search goes on after its BEGIN line.

constexpr std::string_view kPemStart = "\n-----BEGIN ";
constexpr std::string_view kPemEnd = "\n-----END ";
constexpr std::string_view kPemEndOfLine = "-----";

std::string_view TrimRightSpaceTab(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view TrimSpaceAscii(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// One line without its "\n" or "\r\n" and trailing blanks; `rest` is what follows.
std::string_view GetLine(std::string_view data, std::string_view* rest) {
  size_t i = data.find('\n');
  size_t j;
  if (i == std::string_view::npos) {
    i = j = data.size();
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] == '\r') --i;
  }
  *rest = data.substr(j);
  return TrimRightSpaceTab(data.substr(0, i));
}

// base64.StdEncoding.Decode: padded; '\r' and '\n' are skipped anywhere.
bool DecodeBase64Std(std::string_view in, std::string* out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\r' && c != '\n') clean += c;
  }
  if (clean.size() % 4 != 0) return false;
  out->clear();
  for (size_t i = 0; i < clean.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = clean[i + k];
      if (c == '=') {
        // Padding only in the last quantum, at positions 2 and 3, and nothing after it.
        if (i + 4 != clean.size() || k < 2) return false;
        if (k == 2 && clean[i + 3] != '=') return false;
        v[k] = 0;
        ++pad;
        continue;
      }
      v[k] = val(c);
      if (v[k] < 0) return false;
    }
    uint32_t n = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                 (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    *out += static_cast<char>(n >> 16);
    if (pad < 2) *out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) *out += static_cast<char>(n & 0xff);
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------------------------
// DER, read the way golang.org/x/crypto/cryptobyte does: single-byte tags, definite minimal
// lengths of at most four bytes.

constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kBitString = 0x03;
constexpr uint8_t kOctetString = 0x04;
constexpr uint8_t kOid = 0x06;
constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kContext0 = 0xa0;  // [0] constructed
constexpr uint8_t kContext1 = 0xa1;  // [1] constructed

// Reads one element from the front of `in`: its tag, its contents and (for comparisons) the
// whole encoding.
bool ReadElement(std::string_view* in, uint8_t* tag, std::string_view* contents,
                 std::string_view* element = nullptr) {
  if (in->size() < 2) return false;
  uint8_t t = static_cast<uint8_t>((*in)[0]);
  if ((t & 0x1f) == 0x1f) return false;  // high-tag-number form
  uint8_t l = static_cast<uint8_t>((*in)[1]);
  size_t header = 2;
  size_t length = l;
  if (l & 0x80) {
    size_t len_len = l & 0x7f;
    if (len_len == 0 || len_len > 4 || in->size() < 2 + len_len) return false;
    length = 0;
    for (size_t i = 0; i < len_len; ++i) {
      length = (length << 8) | static_cast<uint8_t>((*in)[2 + i]);
    }
    if (static_cast<uint8_t>((*in)[2]) == 0 || length < 128) return false;  // not minimal
    header += len_len;
  }
  if (in->size() - header < length) return false;
  *tag = t;
  *contents = in->substr(header, length);
  if (element != nullptr) *element = in->substr(0, header + length);
  in->remove_prefix(header + length);
  return true;
}

bool Read(std::string_view* in, uint8_t want, std::string_view* contents,
          std::string_view* element = nullptr) {
  std::string_view copy = *in;
  uint8_t tag = 0;
  if (!ReadElement(&copy, &tag, contents, element) || tag != want) return false;
  *in = copy;
  return true;
}

bool PeekTag(std::string_view in, uint8_t tag) {
  return !in.empty() && static_cast<uint8_t>(in[0]) == tag;
}

// A minimally encoded INTEGER; `out` gets its content bytes.
bool ReadInteger(std::string_view* in, std::string_view* out) {
  std::string_view c;
  if (!Read(in, kInteger, &c) || c.empty()) return false;
  if (c.size() > 1) {
    uint8_t a = static_cast<uint8_t>(c[0]);
    uint8_t b = static_cast<uint8_t>(c[1]);
    if ((a == 0 && !(b & 0x80)) || (a == 0xff && (b & 0x80))) return false;
  }
  *out = c;
  return true;
}

bool IntegerPositive(std::string_view c) {
  if (static_cast<uint8_t>(c[0]) & 0x80) return false;
  for (char b : c) {
    if (b != 0) return true;
  }
  return false;
}

// A small INTEGER as int64 (false when it does not fit).
bool ReadSmallInteger(std::string_view* in, int64_t* out) {
  std::string_view c;
  if (!ReadInteger(in, &c) || c.size() > 8) return false;
  int64_t v = (static_cast<uint8_t>(c[0]) & 0x80) ? -1 : 0;
  for (char b : c)
    v = static_cast<int64_t>((static_cast<uint64_t>(v) << 8) | static_cast<uint8_t>(b));
  *out = v;
  return true;
}

// The magnitude of a non-negative INTEGER, without sign padding.
std::string_view Magnitude(std::string_view c) {
  while (c.size() > 1 && c[0] == 0) c.remove_prefix(1);
  return c;
}

bool ReadOid(std::string_view* in, std::string_view* oid) {
  std::string_view c;
  if (!Read(in, kOid, &c) || c.empty()) return false;
  bool start = true;
  for (char ch : c) {
    uint8_t b = static_cast<uint8_t>(ch);
    if (start && b == 0x80) return false;  // non-minimal component
    start = !(b & 0x80);
  }
  if (!start) return false;  // truncated component
  *oid = c;
  return true;
}

// A BIT STRING's bytes when it has no unused bits (keys always do), as RightAlign gives them.
bool ReadBitString(std::string_view* in, std::string_view* bits) {
  std::string_view c;
  if (!Read(in, kBitString, &c) || c.empty()) return false;
  uint8_t padding = static_cast<uint8_t>(c[0]);
  if (padding > 7 || (c.size() == 1 && padding > 0)) return false;
  if (padding > 0 && (static_cast<uint8_t>(c.back()) & ((1u << padding) - 1)) != 0) return false;
  *bits = c.substr(1);  // keys are byte aligned; the padding, if any, is ignored here
  return true;
}

// DER contents of the OIDs we recognise.
constexpr std::string_view kOidRsa = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";
constexpr std::string_view kOidEcPublicKey = "\x2a\x86\x48\xce\x3d\x02\x01";
constexpr std::string_view kOidEd25519 = "\x2b\x65\x70";
constexpr std::string_view kOidX25519 = "\x2b\x65\x6e";
constexpr std::string_view kNullParams = std::string_view("\x05\x00", 2);

// Field size in bytes of the named curves Go supports, 0 for others.
size_t CurveBytes(std::string_view oid) {
  if (oid == "\x2b\x81\x04\x00\x21") return 28;              // P-224
  if (oid == "\x2a\x86\x48\xce\x3d\x03\x01\x07") return 32;  // P-256
  if (oid == "\x2b\x81\x04\x00\x22") return 48;              // P-384
  if (oid == "\x2b\x81\x04\x00\x23") return 66;              // P-521
  return 0;
}

enum class KeyType { kUnknown, kRsa, kEcdsa, kEd25519 };

struct PublicKey {
  KeyType type = KeyType::kUnknown;
  std::string_view rsa_modulus;  // magnitude
  std::string_view ec_point;     // 04 || X || Y
  std::string_view ed25519;      // 32 bytes
};

struct PrivateKey {
  KeyType type = KeyType::kUnknown;
  std::string_view rsa_modulus;
  std::string_view ec_point;  // empty when the key does not carry it
  std::string_view ed25519_public;
};

// AlgorithmIdentifier: the OID and the parameters' whole encoding (empty when absent).
Status ParseAlgorithm(std::string_view seq, std::string_view* oid, std::string_view* params) {
  if (!ReadOid(&seq, oid)) return Status::InvalidArgument("x509: malformed OID");
  params->remove_prefix(params->size());
  if (seq.empty()) return Status::Ok();
  uint8_t tag = 0;
  std::string_view contents;
  if (!ReadElement(&seq, &tag, &contents, params)) {
    return Status::InvalidArgument("x509: malformed parameters");
  }
  return Status::Ok();
}

Status ParsePublicKey(std::string_view oid, std::string_view params, std::string_view key,
                      PublicKey* out) {
  if (oid == kOidRsa) {
    if (params != kNullParams) {
      return Status::InvalidArgument("x509: RSA key missing NULL parameters");
    }
    std::string_view seq;
    std::string_view n;
    int64_t e = 0;
    if (!Read(&key, kSequence, &seq))
      return Status::InvalidArgument("x509: invalid RSA public key");
    if (!ReadInteger(&seq, &n)) return Status::InvalidArgument("x509: invalid RSA modulus");
    if (!ReadSmallInteger(&seq, &e) || e > INT32_MAX) {
      return Status::InvalidArgument("x509: invalid RSA public exponent");
    }
    if (!IntegerPositive(n)) {
      return Status::InvalidArgument("x509: RSA modulus is not a positive number");
    }
    if (e <= 0)
      return Status::InvalidArgument("x509: RSA public exponent is not a positive number");
    out->type = KeyType::kRsa;
    out->rsa_modulus = Magnitude(n);
    return Status::Ok();
  }
  if (oid == kOidEcPublicKey) {
    std::string_view curve;
    if (!ReadOid(&params, &curve)) return Status::InvalidArgument("x509: invalid ECDSA parameters");
    size_t size = CurveBytes(curve);
    if (size == 0) return Status::InvalidArgument("x509: unsupported elliptic curve");
    if (key.size() != 1 + 2 * size || key[0] != 0x04) {
      return Status::InvalidArgument("x509: failed to unmarshal elliptic curve point");
    }
    out->type = KeyType::kEcdsa;
    out->ec_point = key;
    return Status::Ok();
  }
  if (oid == kOidEd25519) {
    if (!params.empty()) {
      return Status::InvalidArgument("x509: Ed25519 key encoded with illegal parameters");
    }
    if (key.size() != 32) return Status::InvalidArgument("x509: wrong Ed25519 public key size");
    out->type = KeyType::kEd25519;
    out->ed25519 = key;
    return Status::Ok();
  }
  return Status::Ok();  // a key type Go parses but TLS does not use, or an unknown one
}

// x509.ParseCertificate, as far as the public key (and the closing signature).
Status ParseCertificate(std::string_view der, PublicKey* out) {
  std::string_view input;
  std::string_view whole;
  if (!Read(&der, kSequence, &input, &whole)) {
    return Status::InvalidArgument("x509: malformed certificate");
  }
  std::string_view tbs;
  if (!Read(&input, kSequence, &tbs)) {
    return Status::InvalidArgument("x509: malformed tbs certificate");
  }
  int64_t version = 0;
  if (PeekTag(tbs, kContext0)) {
    std::string_view v;
    if (!Read(&tbs, kContext0, &v) || !ReadSmallInteger(&v, &version) || !v.empty()) {
      return Status::InvalidArgument("x509: malformed version");
    }
  }
  if (version < 0) return Status::InvalidArgument("x509: malformed version");
  if (version + 1 > 3) return Status::InvalidArgument("x509: invalid version");
  std::string_view serial;
  if (!ReadInteger(&tbs, &serial)) return Status::InvalidArgument("x509: malformed serial number");
  std::string_view sig_ai;
  if (!Read(&tbs, kSequence, &sig_ai)) {
    return Status::InvalidArgument("x509: malformed signature algorithm identifier");
  }
  std::string_view outer_ai;
  if (!Read(&input, kSequence, &outer_ai)) {
    return Status::InvalidArgument("x509: malformed algorithm identifier");
  }
  if (outer_ai != sig_ai) {
    return Status::InvalidArgument(
        "x509: inner and outer signature algorithm identifiers don't match");
  }
  std::string_view oid;
  std::string_view params;
  PROMKIT_RETURN_IF_ERROR(ParseAlgorithm(sig_ai, &oid, &params));
  std::string_view skip;
  if (!Read(&tbs, kSequence, &skip)) return Status::InvalidArgument("x509: malformed issuer");
  if (!Read(&tbs, kSequence, &skip)) return Status::InvalidArgument("x509: malformed validity");
  if (!Read(&tbs, kSequence, &skip)) return Status::InvalidArgument("x509: malformed issuer");
  std::string_view spki;
  if (!Read(&tbs, kSequence, &spki)) return Status::InvalidArgument("x509: malformed spki");
  std::string_view pk_ai;
  if (!Read(&spki, kSequence, &pk_ai)) {
    return Status::InvalidArgument("x509: malformed public key algorithm identifier");
  }
  PROMKIT_RETURN_IF_ERROR(ParseAlgorithm(pk_ai, &oid, &params));
  std::string_view key;
  if (!ReadBitString(&spki, &key)) {
    return Status::InvalidArgument("x509: malformed subjectPublicKey");
  }
  PROMKIT_RETURN_IF_ERROR(ParsePublicKey(oid, params, key, out));
  std::string_view signature;
  if (!ReadBitString(&input, &signature)) {
    return Status::InvalidArgument("x509: malformed signature");
  }
  if (!der.empty()) return Status::InvalidArgument("x509: trailing data");
  return Status::Ok();
}

// RSAPrivateKey (PKCS #1): version, n, e, d, p, q, dp, dq, qinv.
bool ParsePkcs1(std::string_view der, PrivateKey* out) {
  std::string_view seq;
  if (!Read(&der, kSequence, &seq) || !der.empty()) return false;
  int64_t version = 0;
  std::string_view n;
  if (!ReadSmallInteger(&seq, &version) || version > 1 || !ReadInteger(&seq, &n)) return false;
  for (int i = 0; i < 7; ++i) {
    std::string_view unused;
    if (!ReadInteger(&seq, &unused)) return false;
  }
  if (!IntegerPositive(n)) return false;
  out->type = KeyType::kRsa;
  out->rsa_modulus = Magnitude(n);
  return true;
}

// ECPrivateKey (SEC 1): version 1, the scalar, [0] curve, [1] public point. `curve` is the
// PKCS #8 algorithm's curve when wrapped.
bool ParseSec1(std::string_view der, std::string_view curve, PrivateKey* out) {
  std::string_view seq;
  if (!Read(&der, kSequence, &seq)) return false;
  int64_t version = 0;
  std::string_view scalar;
  if (!ReadSmallInteger(&seq, &version) || version != 1 || !Read(&seq, kOctetString, &scalar)) {
    return false;
  }
  if (PeekTag(seq, kContext0)) {
    std::string_view params;
    if (!Read(&seq, kContext0, &params) || !ReadOid(&params, &curve)) return false;
  }
  size_t size = CurveBytes(curve);
  if (size == 0 || scalar.size() > size) return false;
  std::string_view point;
  if (PeekTag(seq, kContext1)) {
    std::string_view wrapped;
    if (!Read(&seq, kContext1, &wrapped) || !ReadBitString(&wrapped, &point)) return false;
  }
  out->type = KeyType::kEcdsa;
  out->ec_point = point;
  return true;
}

enum class Pkcs8 { kOk, kInvalid, kUnsupported };

Pkcs8 ParsePkcs8(std::string_view der, PrivateKey* out) {
  std::string_view seq;
  if (!Read(&der, kSequence, &seq)) return Pkcs8::kInvalid;
  int64_t version = 0;
  std::string_view ai;
  std::string_view key;
  if (!ReadSmallInteger(&seq, &version) || !Read(&seq, kSequence, &ai) ||
      !Read(&seq, kOctetString, &key)) {
    return Pkcs8::kInvalid;
  }
  std::string_view oid;
  std::string_view params;
  if (!ParseAlgorithm(ai, &oid, &params).ok()) return Pkcs8::kInvalid;
  if (oid == kOidRsa) return ParsePkcs1(key, out) ? Pkcs8::kOk : Pkcs8::kInvalid;
  if (oid == kOidEcPublicKey) {
    std::string_view curve;
    if (!ReadOid(&params, &curve)) return Pkcs8::kInvalid;
    return ParseSec1(key, curve, out) ? Pkcs8::kOk : Pkcs8::kInvalid;
  }
  if (oid == kOidEd25519) {
    std::string_view seed;
    if (!Read(&key, kOctetString, &seed) || seed.size() != 32) return Pkcs8::kInvalid;
    out->type = KeyType::kEd25519;
    // OneAsymmetricKey (v2) may carry the public key after optional [0] attributes.
    if (PeekTag(seq, kContext0)) {
      std::string_view unused;
      Read(&seq, kContext0, &unused);
    }
    if (!seq.empty() && static_cast<uint8_t>(seq[0]) == 0x81) {
      std::string_view pub;
      uint8_t tag = 0;
      if (ReadElement(&seq, &tag, &pub) && pub.size() == 33 && pub[0] == 0) {
        out->ed25519_public = pub.substr(1);
      }
    }
    return Pkcs8::kOk;
  }
  if (oid == kOidX25519) return Pkcs8::kUnsupported;  // Go parses it into a non-signing key
  return Pkcs8::kInvalid;
}

Status ParsePrivateKey(std::string_view der, PrivateKey* out) {
  if (ParsePkcs1(der, out)) return Status::Ok();
  switch (ParsePkcs8(der, out)) {
    case Pkcs8::kOk:
      return Status::Ok();
    case Pkcs8::kUnsupported:
      return Status::InvalidArgument("tls: found unknown private key type in PKCS#8 wrapping");
    case Pkcs8::kInvalid:
      break;
  }
  if (ParseSec1(der, "", out)) return Status::Ok();
  return Status::InvalidArgument("tls: failed to parse private key");
}

// Go's %v of a []string.
std::string GoList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ' ';
    out += items[i];
  }
  return out + "]";
}

}  // namespace

std::optional<PemBlock> DecodePem(std::string_view* data) {
  std::string_view rest = *data;
  while (true) {
    if (rest.substr(0, kPemStart.size() - 1) == kPemStart.substr(1)) {
      rest.remove_prefix(kPemStart.size() - 1);
    } else if (size_t at = rest.find(kPemStart); at != std::string_view::npos) {
      rest.remove_prefix(at + kPemStart.size());
    } else {
      return std::nullopt;
    }
    std::string_view type_line = GetLine(rest, &rest);
    if (!EndsWith(type_line, kPemEndOfLine)) continue;
    type_line.remove_suffix(kPemEndOfLine.size());

    bool has_headers = false;
    bool truncated = false;
    while (true) {
      if (rest.empty()) {
        truncated = true;
        break;
      }
      std::string_view next;
      std::string_view line = GetLine(rest, &next);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) break;
      // Header values are not needed; their presence changes where END may start.
      (void)TrimSpaceAscii(line.substr(0, colon));
      has_headers = true;
      rest = next;
    }
    if (truncated) return std::nullopt;

    size_t end_index;
    size_t end_trailer_index;
    if (!has_headers && rest.substr(0, kPemEnd.size() - 1) == kPemEnd.substr(1)) {
      end_index = 0;
      end_trailer_index = kPemEnd.size() - 1;
    } else {
      end_index = rest.find(kPemEnd);
      if (end_index == std::string_view::npos) continue;
      end_trailer_index = end_index + kPemEnd.size();
    }
    std::string_view end_trailer = rest.substr(end_trailer_index);
    size_t trailer_len = type_line.size() + kPemEndOfLine.size();
    if (end_trailer.size() < trailer_len) continue;
    std::string_view rest_of_end_line = end_trailer.substr(trailer_len);
    end_trailer = end_trailer.substr(0, trailer_len);
    if (end_trailer.substr(0, type_line.size()) != type_line ||
        !EndsWith(end_trailer, kPemEndOfLine)) {
      continue;
    }
    std::string_view unused;
    if (!GetLine(rest_of_end_line, &unused).empty()) continue;

    std::string base64;
    for (char c : rest.substr(0, end_index)) {
      if (c != ' ' && c != '\t') base64 += c;
    }
    PemBlock block;
    block.type = std::string(type_line);
    if (!DecodeBase64Std(base64, &block.bytes)) continue;
    GetLine(rest.substr(end_index + kPemEnd.size() - 1), &rest);
    *data = rest;
    return block;
  }
}

Status CheckX509KeyPair(std::string_view cert_pem, std::string_view key_pem) {
  std::vector<std::string> certs;
  std::vector<std::string> skipped;
  while (auto block = DecodePem(&cert_pem)) {
    if (block->type == "CERTIFICATE") {
      certs.push_back(std::move(block->bytes));
    } else {
      skipped.push_back(std::move(block->type));
    }
  }
  if (certs.empty()) {
    if (skipped.empty()) {
      return Status::InvalidArgument("tls: failed to find any PEM data in certificate input");
    }
    if (skipped.size() == 1 && EndsWith(skipped[0], "PRIVATE KEY")) {
      return Status::InvalidArgument(
          "tls: failed to find certificate PEM data in certificate input, but did find a private "
          "key; PEM inputs may have been switched");
    }
    return Status::InvalidArgument(fmt::format(
        "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM "
        "blocks of the following types: {}",
        GoList(skipped)));
  }

  skipped.clear();
  std::optional<PemBlock> key_block;
  while (true) {
    key_block = DecodePem(&key_pem);
    if (!key_block) {
      if (skipped.empty()) {
        return Status::InvalidArgument("tls: failed to find any PEM data in key input");
      }
      if (skipped.size() == 1 && skipped[0] == "CERTIFICATE") {
        return Status::InvalidArgument(
            "tls: found a certificate rather than a key in the PEM for the private key");
      }
      return Status::InvalidArgument(fmt::format(
          "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after "
          "skipping PEM blocks of the following types: {}",
          GoList(skipped)));
    }
    if (key_block->type == "PRIVATE KEY" || EndsWith(key_block->type, " PRIVATE KEY")) break;
    skipped.push_back(std::move(key_block->type));
  }

  PublicKey pub;
  PROMKIT_RETURN_IF_ERROR(ParseCertificate(certs[0], &pub));
  PrivateKey priv;
  PROMKIT_RETURN_IF_ERROR(ParsePrivateKey(key_block->bytes, &priv));
  if (pub.type == KeyType::kUnknown) {
    return Status::InvalidArgument("tls: unknown public key algorithm");
  }
  if (pub.type != priv.type) {
    return Status::InvalidArgument("tls: private key type does not match public key type");
  }
  bool match = true;
  switch (pub.type) {
    case KeyType::kRsa:
      match = pub.rsa_modulus == priv.rsa_modulus;
      break;
    case KeyType::kEcdsa:
      match = priv.ec_point.empty() || pub.ec_point == priv.ec_point;
      break;
    case KeyType::kEd25519:
      match = priv.ed25519_public.empty() || pub.ed25519 == priv.ed25519_public;
      break;
    case KeyType::kUnknown:
      break;
  }
  if (!match) return Status::InvalidArgument("tls: private key does not match public key");
  return Status::Ok();
}

}  // namespace promkit::config::internal
