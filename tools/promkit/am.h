#pragma once
// The `am` family's shared pieces: amtool's global flags and the registration of the commands
// that talk to a running Alertmanager (am_api.cpp) beside the offline ones (am.cpp).

#include <functional>
#include <memory>
#include <string>

#include "app.h"

namespace CLI {
class App;
}

namespace promkit::cli {

// amtool's global flags (root flags as amtool, flags of `am` in promkit's tree).
struct AmFlags {
  std::string alertmanager_url;
  std::string http_config_file;
  std::string timeout = "30s";
  std::string enable_feature;
  std::string date_format = "2006-01-02 15:04:05 MST";
  bool verbose = false;  // accepted as amtool accepts it; nothing is logged
  std::string output = "simple";
  bool version_check = true;
};

// Makes `leaf` (a command under `base`, the root of amtool's tree) run `run` once parsed, after
// amtool's configuration file (~/.config/amtool/config.yml, then /etc/amtool/config.yml) has
// supplied the flags of `base` and `leaf` not given on the command line, and --output (in `g`)
// is checked; `run` returns the exit code. A broken configuration file fails the command.
void OnParsed(CLI::App& base, CLI::App& leaf, std::shared_ptr<const AmFlags> g, Mode mode,
              int* exit_code, std::function<int()> run);

// `alert` (query, add), `silence` (add, query, expire, import, update), `cluster show` and
// `config show` under `base` (`config` being the existing `config` command).
void RegisterAmAlert(CLI::App& base, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code);
void RegisterAmSilence(CLI::App& base, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code);
void RegisterAmCluster(CLI::App& base, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code);
void RegisterAmConfigShow(CLI::App& config, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code);

}  // namespace promkit::cli
