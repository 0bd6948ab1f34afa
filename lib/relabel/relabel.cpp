#include "relabel/relabel.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include <fmt/core.h>
#include <re2/re2.h>

#include "model/go_regexp.h"
#include "relabel/md5.h"
#include "util/strings.h"

namespace promkit::relabel {

using util::Result;
using util::Status;

namespace {

constexpr std::array<std::pair<Action, std::string_view>, 11> kActionNames = {{
    {Action::kReplace, "replace"},
    {Action::kKeep, "keep"},
    {Action::kDrop, "drop"},
    {Action::kKeepEqual, "keepequal"},
    {Action::kDropEqual, "dropequal"},
    {Action::kHashMod, "hashmod"},
    {Action::kLabelMap, "labelmap"},
    {Action::kLabelDrop, "labeldrop"},
    {Action::kLabelKeep, "labelkeep"},
    {Action::kLowercase, "lowercase"},
    {Action::kUppercase, "uppercase"},
}};

// Go accepts `(?<name>` as well as `(?P<name>`; older RE2 releases only the latter.
std::string RewriteNamedGroups(std::string_view expr) {
  std::string out;
  out.reserve(expr.size() + 4);
  bool in_class = false;
  for (size_t i = 0; i < expr.size(); ++i) {
    char c = expr[i];
    if (c == '\\' && i + 1 < expr.size()) {
      out += c;
      out += expr[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < expr.size() && expr[i + 1] == '^') out += expr[++i];
      if (i + 1 < expr.size() && expr[i + 1] == ']') out += expr[++i];
      continue;
    }
    if (c == '(' && expr.substr(i, 3) == "(?<" && i + 3 < expr.size() && expr[i + 3] != '=' &&
        expr[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

// Go's regexp reads each invalid UTF-8 byte as U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  while (!s.empty()) {
    util::DecodedRune r = util::DecodeRune(s);
    if (r.rune == util::kRuneError && r.width == 1) {
      out += "\uFFFD";
    } else {
      out.append(s.substr(0, r.width));
    }
    s.remove_prefix(r.width);
  }
  return out;
}

bool IsNameRune(char32_t r) {
  if (r < 0x80) return std::isalnum(static_cast<int>(r)) != 0 || r == '_';
  // Outside ASCII, Go asks unicode.IsLetter/IsDigit; without a Unicode database we take every
  // printable non-space rune as a name character (capture group names are ASCII in practice).
  return util::IsPrint(r) && !util::IsSpace(r);
}

std::string MapCase(std::string_view s, bool upper) {
  return upper ? util::ToUpper(s) : util::ToLower(s);
}

}  // namespace

std::string_view ActionName(Action action) {
  for (const auto& [a, name] : kActionNames) {
    if (a == action) return name;
  }
  return "";
}

Result<Action> ParseAction(std::string_view s) {
  std::string lower = MapCase(s, false);
  for (const auto& [a, name] : kActionNames) {
    if (name == lower) return a;
  }
  return Status::InvalidArgument(fmt::format("unknown relabel action {}", util::GoQuote(s)));
}

struct Regexp::Impl {
  std::string expr;
  std::unique_ptr<RE2> re;
  // Group index -> name ("" for unnamed), as Go's SubexpNames.
  std::vector<std::string> names;
};

const Regexp& Regexp::Default() {
  static const Regexp kDefault = *Compile("(.*)");
  return kDefault;
}

Result<Regexp> Regexp::Compile(std::string_view expr) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(int64_t{64} << 20);
  std::string anchored = "^(?s:" + RewriteNamedGroups(expr) + ")$";
  auto impl = std::make_shared<Impl>();
  impl->expr = std::string(expr);
  impl->re = std::make_unique<RE2>(anchored, opts);
  if (!impl->re->ok()) {
    std::string arg = impl->re->error_arg();
    if (impl->re->error_code() == RE2::ErrorMissingParen) arg = "^(?s:" + std::string(expr) + ")$";
    return Status::InvalidArgument(fmt::format(
        "error parsing regexp: {}: `{}`", model::GoRegexpErrorText(impl->re->error_code()), arg));
  }
  impl->names.assign(impl->re->NumberOfCapturingGroups() + 1, "");
  for (const auto& [index, name] : impl->re->CapturingGroupNames()) {
    impl->names[index] = name;
  }
  return Regexp(std::move(impl));
}

const std::string& Regexp::expr() const { return impl_->expr; }

bool Regexp::Match(std::string_view s) const {
  if (!util::IsValidUtf8(s)) {
    std::string fixed = ReplaceInvalidUtf8(s);
    return RE2::FullMatch(fixed, *impl_->re);
  }
  return RE2::FullMatch(s, *impl_->re);
}

bool Regexp::MatchExpand(std::string_view s, std::string_view tmpl, std::string& out) const {
  std::string fixed;
  if (!util::IsValidUtf8(s)) {
    fixed = ReplaceInvalidUtf8(s);
    s = fixed;
  }
  size_t ngroups = impl_->names.size();
  std::array<re2::StringPiece, 16> small;
  std::vector<re2::StringPiece> large;
  re2::StringPiece* groups = small.data();
  if (ngroups > small.size()) {
    large.resize(ngroups);
    groups = large.data();
  }
  if (!impl_->re->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::ANCHOR_BOTH, groups,
                        static_cast<int>(ngroups))) {
    return false;
  }
  // Go's regexp.Expand.
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) {
      out.append(tmpl);
      break;
    }
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar);
    if (tmpl.size() > 1 && tmpl[1] == '$') {
      out += '$';
      tmpl.remove_prefix(2);
      continue;
    }
    std::string_view rest = tmpl.substr(1);
    bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    size_t i = 0;
    while (i < rest.size()) {
      util::DecodedRune r = util::DecodeRune(rest.substr(i));
      if (!IsNameRune(r.rune) || (r.rune == util::kRuneError && r.width == 1)) break;
      i += r.width;
    }
    bool ok = i > 0 && (!brace || (i < rest.size() && rest[i] == '}'));
    if (!ok) {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name = rest.substr(0, i);
    tmpl = rest.substr(i + (brace ? 1 : 0));
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num >= 0) {
      if (static_cast<size_t>(num) < ngroups && groups[num].data() != nullptr) {
        out.append(groups[num].data(), groups[num].size());
      }
      continue;
    }
    for (size_t g = 1; g < ngroups; ++g) {
      if (impl_->names[g] == name) {
        if (groups[g].data() != nullptr) out.append(groups[g].data(), groups[g].size());
        break;
      }
    }
  }
  return true;
}

namespace {

bool IsValidName(model::ValidationScheme scheme, std::string_view name) {
  return model::IsValidLabelName(name, scheme);
}

// Legacy target labels may also hold $1 / ${name} references.
bool IsLegacyTargetWithVars(std::string_view s) {
  static const RE2 kRe(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)");
  return RE2::FullMatch(s, kRe);
}

}  // namespace

Status Config::Validate(model::ValidationScheme global) {
  if (action_empty) return Status::InvalidArgument("relabel action cannot be empty");
  std::string_view act = ActionName(action);
  if (modulus == 0 && action == Action::kHashMod) {
    return Status::InvalidArgument("relabel configuration for hashmod requires non-zero modulus");
  }
  bool needs_target = action == Action::kReplace || action == Action::kHashMod ||
                      action == Action::kLowercase || action == Action::kUppercase ||
                      action == Action::kKeepEqual || action == Action::kDropEqual;
  if (needs_target && target_label.empty()) {
    return Status::InvalidArgument(
        fmt::format("relabel configuration for {} action requires 'target_label' value", act));
  }
  if (!name_validation_scheme) name_validation_scheme = global;
  model::ValidationScheme scheme = *name_validation_scheme;
  auto valid_with_vars = [&](std::string_view s) {
    return scheme == model::ValidationScheme::kUtf8 ? IsValidName(scheme, s)
                                                    : IsLegacyTargetWithVars(s);
  };
  auto bad_target = [&] {
    return Status::InvalidArgument(fmt::format("{} is invalid 'target_label' for {} action",
                                               util::GoQuote(target_label), act));
  };
  bool has_var = target_label.find('$') != std::string::npos;
  if (action == Action::kReplace && !has_var && !IsValidName(scheme, target_label)) {
    return bad_target();
  }
  if (action == Action::kReplace && has_var && !valid_with_vars(target_label)) return bad_target();
  bool equal_or_case = action == Action::kLowercase || action == Action::kUppercase ||
                       action == Action::kKeepEqual || action == Action::kDropEqual;
  if (equal_or_case && !IsValidName(scheme, target_label)) return bad_target();
  if (equal_or_case && replacement != "$1") {
    return Status::InvalidArgument(fmt::format("'replacement' can not be set for {} action", act));
  }
  if (action == Action::kLabelMap && !valid_with_vars(replacement)) {
    return Status::InvalidArgument(
        fmt::format("{} is invalid 'replacement' for {} action", util::GoQuote(replacement), act));
  }
  if (action == Action::kHashMod && !IsValidName(scheme, target_label)) return bad_target();
  if (action == Action::kDropEqual || action == Action::kKeepEqual) {
    if (!regex.IsDefault() || modulus != 0 || separator != ";" || replacement != "$1") {
      return Status::InvalidArgument(fmt::format(
          "{} action requires only 'source_labels' and `target_label`, and no other fields", act));
    }
  }
  if (action == Action::kLabelDrop || action == Action::kLabelKeep) {
    if (source_labels_set || !target_label.empty() || modulus != 0 || separator != ";" ||
        replacement != "$1") {
      return Status::InvalidArgument(
          fmt::format("{} action requires only 'regex', and no other fields", act));
    }
  }
  return Status::Ok();
}

void Builder::Reset(model::Labels base) {
  base_ = std::move(base);
  add_.clear();
  del_.clear();
}

std::string_view Builder::Get(std::string_view name) const {
  for (const auto& [n, v] : add_) {
    if (n == name) return v;
  }
  if (std::find(del_.begin(), del_.end(), name) != del_.end()) return "";
  return base_.Get(name);
}

void Builder::Set(std::string_view name, std::string_view value) {
  if (value.empty()) {
    Del(name);
    return;
  }
  for (auto& [n, v] : add_) {
    if (n == name) {
      v.assign(value);
      return;
    }
  }
  add_.emplace_back(std::string(name), std::string(value));
}

void Builder::Del(std::string_view name) {
  std::erase_if(add_, [&](const auto& a) { return a.first == name; });
  del_.emplace_back(name);
}

std::vector<std::pair<std::string, std::string>> Builder::Snapshot() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Label& l : base_) {
    if (std::find(del_.begin(), del_.end(), l.name) != del_.end()) continue;
    bool added =
        std::any_of(add_.begin(), add_.end(), [&](const auto& a) { return a.first == l.name; });
    if (!added) out.emplace_back(std::string(l.name), std::string(l.value));
  }
  out.insert(out.end(), add_.begin(), add_.end());
  return out;
}

model::Labels Builder::Build() const {
  if (add_.empty() && del_.empty()) return base_;
  return model::Labels::FromPairs(Snapshot());
}

uint64_t HashMod(std::string_view value, uint64_t modulus) {
  std::array<uint8_t, 16> sum = Md5(value);
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = v << 8 | sum[i];
  return v % modulus;
}

namespace {

bool Apply(const Config& cfg, Builder& lb, std::string& val, std::string& scratch) {
  val.clear();
  for (size_t i = 0; i < cfg.source_labels.size(); ++i) {
    if (i > 0) val += cfg.separator;
    val.append(lb.Get(cfg.source_labels[i]));
  }
  model::ValidationScheme scheme =
      cfg.name_validation_scheme.value_or(model::ValidationScheme::kUtf8);
  switch (cfg.action) {
    case Action::kDrop:
      return !cfg.regex.Match(val);
    case Action::kKeep:
      return cfg.regex.Match(val);
    case Action::kDropEqual:
      return lb.Get(cfg.target_label) != val;
    case Action::kKeepEqual:
      return lb.Get(cfg.target_label) == val;
    case Action::kReplace: {
      if (val.empty() && cfg.regex.IsDefault() && cfg.target_label.find('$') == std::string::npos &&
          cfg.replacement.find('$') == std::string::npos) {
        lb.Set(cfg.target_label, cfg.replacement);
        return true;
      }
      scratch.clear();
      if (!cfg.regex.MatchExpand(val, cfg.target_label, scratch)) return true;
      std::string target = scratch;
      if (!model::IsValidLabelName(target, scheme)) return true;
      scratch.clear();
      cfg.regex.MatchExpand(val, cfg.replacement, scratch);
      if (scratch.empty()) {
        lb.Del(target);
      } else {
        lb.Set(target, scratch);
      }
      return true;
    }
    case Action::kLowercase:
      lb.Set(cfg.target_label, MapCase(val, false));
      return true;
    case Action::kUppercase:
      lb.Set(cfg.target_label, MapCase(val, true));
      return true;
    case Action::kHashMod:
      lb.Set(cfg.target_label, fmt::format("{}", HashMod(val, cfg.modulus)));
      return true;
    case Action::kLabelMap:
      for (const auto& [name, value] : lb.Snapshot()) {
        scratch.clear();
        if (cfg.regex.MatchExpand(name, cfg.replacement, scratch)) lb.Set(scratch, value);
      }
      return true;
    case Action::kLabelDrop:
      for (const auto& [name, value] : lb.Snapshot()) {
        if (cfg.regex.Match(name)) lb.Del(name);
      }
      return true;
    case Action::kLabelKeep:
      for (const auto& [name, value] : lb.Snapshot()) {
        if (!cfg.regex.Match(name)) lb.Del(name);
      }
      return true;
  }
  return true;
}

}  // namespace

bool ProcessBuilder(Builder& builder, std::span<const Config> configs) {
  std::string val;
  std::string scratch;
  for (const Config& cfg : configs) {
    if (!Apply(cfg, builder, val, scratch)) return false;
  }
  return true;
}

bool ProcessBuilder(Builder& builder, std::span<const Config* const> configs) {
  std::string val;
  std::string scratch;
  for (const Config* cfg : configs) {
    if (!Apply(*cfg, builder, val, scratch)) return false;
  }
  return true;
}

std::optional<model::Labels> Process(const model::Labels& labels, std::span<const Config> configs) {
  Builder builder(labels);
  if (!ProcessBuilder(builder, configs)) return std::nullopt;
  return builder.Build();
}

}  // namespace promkit::relabel
