// `promkit check config` against Debian's promtool 2.42 on every upstream config fixture: same
// exit code, except where Prometheus 3.x changed the rules (promkit follows 3.x) or Debian's
// build lacks an SD type. Each deviation is listed with its reason, and a listed fixture that
// starts to agree fails the test so the list stays honest.
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";

const std::map<std::string, std::string>& Deviations() {
  static const auto* kDeviations = new std::map<std::string, std::string>{
      // 3.x validations that 2.42 does not have (2.42 accepts, 3.x rejects).
      {"azure_bearertoken_basicauth.bad.yml", "3.x: azure SD validates its HTTP client config"},
      {"ec2_token_file.bad.yml", "3.x: ec2 SD validates its HTTP client config"},
      {"http_token_file.bad.yml", "3.x: http SD validates its HTTP client config"},
      {"lightsail_token_file.bad.yml", "3.x: lightsail SD validates its HTTP client config"},
      {"puppetdb_token_file.bad.yml", "3.x: puppetdb SD validates its HTTP client config"},
      {"uyuni_token_file.bad.yml", "3.x: uyuni SD validates its HTTP client config"},
      {"config_with_deprecated_am_api_config.yml", "3.x: Alertmanager api_version v1 removed"},
      {"remote_write_queue_capacity_zero.bad.yml", "3.x: queue_config validation"},
      {"remote_write_queue_max_backoff_less_than_min.bad.yml", "3.x: queue_config validation"},
      {"remote_write_queue_max_samples_per_send_zero.bad.yml", "3.x: queue_config validation"},
      {"remote_write_queue_max_shards_zero.bad.yml", "3.x: queue_config validation"},
      {"remote_write_queue_min_shards_greater_than_max.bad.yml", "3.x: queue_config validation"},
      {"remote_write_queue_min_shards_zero.bad.yml", "3.x: queue_config validation"},
      // Fields that 3.x added (2.42 rejects them as unknown).
      {"global_convert_classic_hist_to_nhcb.good.yml", "3.x field"},
      {"global_disable_always_scrape_classic_hist.good.yml", "3.x field"},
      {"global_disable_extra_scrape_metrics.good.yml", "3.x field"},
      {"global_enable_always_scrape_classic_hist.good.yml", "3.x field"},
      {"global_enable_extra_scrape_metrics.good.yml", "3.x field"},
      {"global_enable_scrape_native_hist.good.yml", "3.x field"},
      {"global_enable_scrape_native_hist_and_scrape_protocols.good.yml", "3.x field"},
      {"global_scrape_protocols_and_local_disable_scrape_native_hist.good.yml", "3.x field"},
      {"local_convert_classic_hist_to_nhcb.good.yml", "3.x field"},
      {"local_disable_always_scrape_classic_hist.good.yml", "3.x field"},
      {"local_disable_convert_classic_hist_to_nhcb.good.yml", "3.x field"},
      {"local_disable_extra_scrape_metrics.good.yml", "3.x field"},
      {"local_disable_scrape_native_hist.good.yml", "3.x field"},
      {"local_enable_always_scrape_classic_hist.good.yml", "3.x field"},
      {"local_enable_extra_scrape_metrics.good.yml", "3.x field"},
      {"local_enable_scrape_native_hist.good.yml", "3.x field"},
      {"local_enable_scrape_native_hist_and_scrape_protocols.good.yml", "3.x field"},
      {"otlp_allow_keep_identifying_resource_attributes.good.yml", "3.x field: otlp"},
      {"otlp_allow_utf8.good.yml", "3.x field: otlp"},
      {"otlp_convert_histograms_to_nhcb.good.yml", "3.x field: otlp"},
      {"otlp_label_underscore_sanitization_defaults.good.yml", "3.x field: otlp"},
      {"otlp_label_underscore_sanitization_disabled.good.yml", "3.x field: otlp"},
      {"otlp_label_underscore_sanitization_enabled.good.yml", "3.x field: otlp"},
      {"otlp_no_translation.good.yml", "3.x field: otlp"},
      {"otlp_promote_scope_metadata.good.yml", "3.x field: otlp"},
      {"otlp_sanitize_default_resource_attributes.good.yml", "3.x field: otlp"},
      {"otlp_sanitize_ignore_resource_attributes.good.yml", "3.x field: otlp"},
      {"otlp_sanitize_promote_resource_attributes.good.yml", "3.x field: otlp"},
      {"otlp_sanitize_resource_attributes_promote_all.good.yml", "3.x field: otlp"},
      {"scrape_config_disable_compression.good.yml", "3.x field: enable_compression"},
      {"scrape_config_files_combined.good.yml", "3.x field: scrape_config_files"},
      {"scrape_config_files_only.good.yml", "3.x field: scrape_config_files"},
      {"scrape_config_global_validation_mode.yml", "3.x field: metric_name_validation_scheme"},
      {"scrape_config_local_global_validation_mode.yml",
       "3.x field: metric_name_validation_scheme"},
      {"scrape_config_local_infer_escaping.yml", "3.x field: metric_name_validation_scheme"},
      {"scrape_config_local_validation_mode.yml", "3.x field: metric_name_validation_scheme"},
      {"tsdb_chunk_encoding_floats_xor.good.yml", "3.x field: storage.tsdb.chunk_encoding"},
      {"tsdb_chunk_encoding_floats_xor2.good.yml", "3.x field: storage.tsdb.chunk_encoding"},
      {"tsdb_retention_percentage_float.good.yml", "3.x field: storage.tsdb.retention"},
      // Debian's promtool is built without Kubernetes SD.
      {"kubernetes_empty_apiserver.good.yml", "Debian build lacks kubernetes_sd_configs"},
      {"kubernetes_kubeconfig_without_apiserver.good.yml",
       "Debian build lacks kubernetes_sd_configs"},
      {"kubernetes_selectors_endpoints.good.yml", "Debian build lacks kubernetes_sd_configs"},
      {"kubernetes_selectors_ingress.good.yml", "Debian build lacks kubernetes_sd_configs"},
      {"kubernetes_selectors_node.good.yml", "Debian build lacks kubernetes_sd_configs"},
      {"kubernetes_selectors_pod.good.yml", "Debian build lacks kubernetes_sd_configs"},
      {"kubernetes_selectors_service.good.yml", "Debian build lacks kubernetes_sd_configs"},
  };
  return *kDeviations;
}

TEST(CheckConfigAgreesWithPromtool, ExitCodes) {
  ASSERT_TRUE(fs::exists(kPromtool)) << "Debian's promtool is needed: apt-get install prometheus";
  fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "conformance" / "config";
  int agreed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename();
    if (entry.path().extension() != ".yml") continue;
    std::vector<std::string> args = {"check", "config"};
    if (name.rfind("agent_mode", 0) == 0) args.push_back("--agent");
    args.push_back(name);
    std::vector<std::string> pk = {"promkit"}, pt = {"promtool"};
    pk.insert(pk.end(), args.begin(), args.end());
    pt.insert(pt.end(), args.begin(), args.end());
    auto ours = testutil::RunProcess(PROMKIT_BINARY, pk, "", dir);
    auto theirs = testutil::RunProcess(kPromtool, pt, "", dir);
    auto dev = Deviations().find(name);
    if (dev == Deviations().end()) {
      EXPECT_EQ(ours.exit_code, theirs.exit_code)
          << name << "\nours: " << ours.err << "\npromtool: " << theirs.err;
      if (ours.exit_code == theirs.exit_code) ++agreed;
    } else {
      EXPECT_NE(ours.exit_code, theirs.exit_code)
          << name << " now agrees; drop it from Deviations (" << dev->second << ")";
    }
  }
  std::cout << agreed << " fixtures agree with promtool 2.42; " << Deviations().size()
            << " listed deviations\n";
}

}  // namespace
}  // namespace promkit
