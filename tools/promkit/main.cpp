// promkit's entry point: everything happens in cli::Run; this only catches what must never
// escape (a last-resort handler, so a bug prints a message instead of a bare abort).
#include <cstdio>
#include <exception>

#include "app.h"

int main(int argc, char** argv) {
  try {
    return promkit::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "promkit: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "promkit: internal error: unknown exception\n");
  }
  return promkit::cli::kExitFailure;
}
