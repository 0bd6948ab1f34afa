#pragma once
// Relabeling (upstream model/relabel): rules that rewrite, keep or drop label sets of targets,
// series and alerts. A Config is one rule with upstream's defaults; Validate() applies upstream's
// checks with its error texts; Process() runs rules in order over a label set.
// Thread-safety: Config and Regexp are immutable once built and may be shared between threads;
// Builder is single-threaded.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/labels.h"
#include "model/validation.h"
#include "util/status.h"

namespace promkit::relabel {

enum class Action {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// The YAML spelling ("replace", "hashmod", ...).
std::string_view ActionName(Action action);
// Case-insensitive, as upstream. Error: `unknown relabel action "<s>"`.
util::Result<Action> ParseAction(std::string_view s);

// A regular expression anchored at both ends with `.` matching newlines, i.e. `^(?s:<expr>)$`,
// in Go's RE2 syntax (also `(?<name>...)`). Copies share one compiled program.
class Regexp {
 public:
  // The default of relabel configs, "(.*)". Configs that never set a regex share this object,
  // which upstream tells apart from an explicit "(.*)" (IsDefault()).
  static const Regexp& Default();
  // Errors read as Go's: "error parsing regexp: missing closing ): `...`".
  static util::Result<Regexp> Compile(std::string_view expr);

  // The expression as written, without the anchoring.
  const std::string& expr() const;
  bool IsDefault() const { return impl_ == Default().impl_; }
  // True when the whole of `s` matches.
  bool Match(std::string_view s) const;
  // When the whole of `s` matches, appends Go's regexp.Expand of `tmpl` to `out` ($1, ${1},
  // $name, ${name}, $$; unknown or unmatched groups expand to nothing) and returns true.
  bool MatchExpand(std::string_view s, std::string_view tmpl, std::string& out) const;

 private:
  struct Impl;
  explicit Regexp(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

struct Config {
  std::vector<std::string> source_labels;
  bool source_labels_set = false;  // upstream distinguishes a nil list from an empty one
  std::string separator = ";";
  Regexp regex = Regexp::Default();
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  Action action = Action::kReplace;
  bool action_empty = false;  // `action: null` in YAML: fails Validate() as upstream's ""
  // Unset: the scheme passed to Validate() (the global one) applies.
  std::optional<model::ValidationScheme> name_validation_scheme;

  // Upstream's Config.Validate: e.g. "relabel configuration for hashmod requires non-zero
  // modulus". Fixes name_validation_scheme to `global` when unset.
  util::Status Validate(model::ValidationScheme global);
};

// Upstream's labels.Builder as relabeling sees it: edits over a base set, with Range() visiting
// base labels that were not touched (in name order) and then set labels in the order they were
// first set.
class Builder {
 public:
  Builder() = default;
  explicit Builder(model::Labels base) : base_(std::move(base)) {}
  void Reset(model::Labels base);
  std::string_view Get(std::string_view name) const;
  // An empty value deletes.
  void Set(std::string_view name, std::string_view value);
  void Del(std::string_view name);
  // The current labels in Range() order (a snapshot: edits while walking it do not change it).
  std::vector<std::pair<std::string, std::string>> Snapshot() const;
  model::Labels Build() const;

 private:
  model::Labels base_;
  std::vector<std::pair<std::string, std::string>> add_;
  std::vector<std::string> del_;
};

// Applies `configs` in order to `builder`. Returns false as soon as a rule drops the set.
// REQUIRES: every config passed Validate().
bool ProcessBuilder(Builder& builder, std::span<const Config> configs);
bool ProcessBuilder(Builder& builder, std::span<const Config* const> configs);

// Relabels `labels`; nullopt when dropped.
std::optional<model::Labels> Process(const model::Labels& labels, std::span<const Config> configs);

// The value hashmod assigns: the last 8 bytes of MD5(value), big-endian, modulo `modulus`.
uint64_t HashMod(std::string_view value, uint64_t modulus);

}  // namespace promkit::relabel
