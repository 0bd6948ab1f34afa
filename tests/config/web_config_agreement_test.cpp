// `promkit check web-config` over testdata/config/web/:
//  - its verdict and message for every fixture equal expected.tsv, which holds what Prometheus
//    3.x says (exporter-toolkit v0.17.1, x/crypto bcrypt, Go's crypto/tls and x509 texts);
//  - Debian's promtool 2.42 prints the same line, except for the listed deviations, each with
//    its reason; a listed fixture that starts to agree fails the test, so the list stays honest.
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "testutil/files.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";

fs::path WebDir() { return fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "config" / "web"; }

// Where 2.42 (exporter-toolkit 0.8, x/crypto of 2022) and 3.x differ.
const std::map<std::string, std::string>& Deviations() {
  static const auto* kDeviations = new std::map<std::string, std::string>{
      // Reworded in 3.x.
      {"missing_cert.bad.yml", "3.x words it 'missing one of cert or cert_file'"},
      {"missing_key.bad.yml", "3.x words it 'missing one of key or key_file'"},
      {"client_auth_without_cert.bad.yml", "3.x words it 'missing one of cert or cert_file'"},
      {"cert_file_missing.bad.yml", "3.x reads the file itself: 'failed to read cert_file (...)'"},
      {"key_file_missing.bad.yml", "3.x reads the file itself: 'failed to read key_file (...)'"},
      {"client_auth_invalid.bad.yml", "3.x: 'invalid ClientAuth' (lower case)"},
      {"client_ca_without_auth.bad.yml", "3.x: 'client CA's have been...' (lower case)"},
      {"bcrypt_cost_low.bad.yml", "newer x/crypto: 'outside allowed inclusive range 4..31'"},
      // Fields 3.x added (2.42 rejects them as unknown).
      {"tls_inline.good.yml", "3.x fields: cert, key"},
      {"cert_inline_malformed.bad.yml", "3.x field: cert"},
      {"tls_client_allowed_sans.good.yml", "3.x field: client_allowed_sans"},
      {"rate_limit.good.yml", "3.x field: rate_limit"},
      {"rate_limit_bad_interval.bad.yml", "3.x field: rate_limit"},
      // Ours, not 3.x's: YAML syntax errors are worded by yaml-cpp, not libyaml.
      {"yaml_syntax.bad.yml", "syntax error texts come from yaml-cpp (see expected.tsv)"},
  };
  return *kDeviations;
}

// expected.tsv: file, then the message ("SUCCESS" or the error with newlines as "\n").
std::map<std::string, std::string> Expected() {
  std::map<std::string, std::string> out;
  for (const std::string& line :
       testutil::Lines(testutil::ReadFileOrEmpty(WebDir() / "expected.tsv"))) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    size_t note = line.find('\t', tab + 1);  // optional third column: a note
    std::string msg = line.substr(tab + 1, note == std::string::npos ? note : note - tab - 1);
    std::string unescaped;
    for (size_t i = 0; i < msg.size(); ++i) {
      if (msg[i] == '\\' && i + 1 < msg.size() && msg[i + 1] == 'n') {
        unescaped += '\n';
        ++i;
      } else {
        unescaped += msg[i];
      }
    }
    out[line.substr(0, tab)] = unescaped;
  }
  return out;
}

// "<file> SUCCESS\n" -> "SUCCESS"; "<file> FAILED: <err>\n" -> "<err>".
std::string Verdict(const std::string& file, std::string err) {
  if (!err.empty() && err.back() == '\n') err.pop_back();
  std::string prefix = file + " ";
  if (err.rfind(prefix, 0) != 0) return "unexpected output: " + err;
  err = err.substr(prefix.size());
  if (err.rfind("FAILED: ", 0) == 0) return err.substr(8);
  return err;
}

TEST(CheckWebConfig, MatchesExpectedAndPromtool) {
  ASSERT_TRUE(fs::exists(kPromtool)) << "Debian's promtool is needed: apt-get install prometheus";
  const auto expected = Expected();
  int fixtures = 0;
  int agreed = 0;
  for (const auto& entry : fs::directory_iterator(WebDir())) {
    std::string name = entry.path().filename();
    if (entry.path().extension() != ".yml") continue;
    ++fixtures;
    SCOPED_TRACE(name);
    auto ours = testutil::RunProcess(PROMKIT_BINARY, {"promkit", "check", "web-config", name}, "",
                                     WebDir());
    auto theirs =
        testutil::RunProcess(kPromtool, {"promtool", "check", "web-config", name}, "", WebDir());
    std::string our_msg = Verdict(name, ours.err);
    std::string their_msg = Verdict(name, theirs.err);
    const bool good = name.find(".good.") != std::string::npos;
    EXPECT_EQ(ours.exit_code, good ? 0 : 1);
    EXPECT_TRUE(ours.out.empty());
    auto want = expected.find(name);
    ASSERT_NE(want, expected.end()) << "add " << name << " to expected.tsv";
    EXPECT_EQ(our_msg, want->second);
    auto dev = Deviations().find(name);
    if (dev == Deviations().end()) {
      EXPECT_EQ(our_msg, their_msg) << "promtool 2.42 differs";
      EXPECT_EQ(ours.exit_code, theirs.exit_code);
      if (our_msg == their_msg) ++agreed;
    } else {
      EXPECT_NE(our_msg, their_msg)
          << "now agrees with 2.42; drop it from Deviations (" << dev->second << ")";
    }
  }
  EXPECT_EQ(static_cast<size_t>(fixtures), expected.size()) << "expected.tsv lists missing files";
  std::cout << agreed << " of " << fixtures << " web config fixtures agree with promtool 2.42 "
            << "word for word; " << Deviations().size() << " listed deviations\n";
}

}  // namespace
}  // namespace promkit
