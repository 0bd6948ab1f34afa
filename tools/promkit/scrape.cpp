// The 'scrape' command family.
#include <CLI/CLI.hpp>

#include "app.h"

namespace promkit::cli {

void RegisterScrape(CLI::App& root, Mode mode, int* exit_code) {}

}  // namespace promkit::cli
