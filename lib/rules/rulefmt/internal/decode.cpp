#include "rules/rulefmt/internal/decode.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "util/duration.h"
#include "util/strings.h"

namespace promkit::rules::rulefmt::internal {
namespace {

using util::Status;
using util::YamlNode;

// Go's type names in each pass's messages.
struct TypeNames {
  std::string_view root, groups, group, rules, rule;
};
constexpr TypeNames kValueTypes{"rulefmt.RuleGroups", "[]rulefmt.RuleGroup", "rulefmt.RuleGroup",
                                "[]rulefmt.Rule", "rulefmt.Rule"};
constexpr TypeNames kPositionTypes{"rulefmt.ruleGroups", "[]rulefmt.RuleGroupNode",
                                   "rulefmt.RuleGroupNode", "[]rulefmt.RuleNode",
                                   "rulefmt.RuleNode"};

constexpr std::string_view kStringType = "string";
constexpr std::string_view kMapType = "map[string]string";

// The tag go-yaml v3 gives a node. The tree resolves plain scalars by YAML 1.1 rules (v2's);
// v3 keeps only true/false spellings as booleans.
std::string_view V3Tag(const YamlNode& n) {
  if (n.tag == "!!bool") {
    static constexpr std::string_view kBools[] = {"true",  "True",  "TRUE",
                                                  "false", "False", "FALSE"};
    for (std::string_view b : kBools) {
      if (n.value == b) return n.tag;
    }
    return "!!str";
  }
  return n.tag;
}

// v3 compares keys by node kind and text; nulls and scalars are both scalar nodes.
bool SameKey(const YamlNode& a, const YamlNode& b) {
  bool a_scalar = a.IsScalar() || a.IsNull();
  bool b_scalar = b.IsScalar() || b.IsNull();
  if (a_scalar != b_scalar || (!a_scalar && a.kind != b.kind)) return false;
  return a_scalar ? a.value == b.value : false;
}

bool IsMergeKey(const YamlNode& k) { return k.IsScalar() && k.value == "<<" && k.tag == "!!str"; }

// strconv.ParseInt(s, 0, 64) on the text without underscores, as v3 resolves an !!int.
bool ParseGoInt(std::string s, int64_t& out) {
  std::erase(s, '_');
  bool neg = false;
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  int base = 10;
  if (s.size() > i + 1 && s[i] == '0') {
    char p = s[i + 1];
    if (p == 'x' || p == 'X') {
      base = 16, i += 2;
    } else if (p == 'b' || p == 'B') {
      base = 2, i += 2;
    } else if (p == 'o' || p == 'O') {
      base = 8, i += 2;
    } else {
      base = 8, i += 1;
    }
  }
  std::string digits = s.substr(i);
  if (digits.empty() || digits[0] == '+' || digits[0] == '-') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(digits.c_str(), &end, base);
  if (errno != 0 || *end != '\0') return false;
  if (neg) {
    if (v > (uint64_t{1} << 63)) return false;
    out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(v);
  }
  return true;
}

class Decoder {
 public:
  Decoder(Pass pass, bool known_fields, bool manifest)
      : pass_(pass),
        types_(pass == Pass::kValues ? kValueTypes : kPositionTypes),
        known_fields_(known_fields),
        manifest_(manifest) {}

  Status Run(const YamlNode& root, RuleGroups& out) {
    Struct(root, types_.root, [&](std::string_view name, const YamlNode& v) {
      if (name != "groups") return false;
      Seq(v, types_.groups, out.groups,
          [&](const YamlNode& item, RuleGroup& g) { return Group(item, g); });
      return true;
    });
    if (!fatal_.empty()) return Status::InvalidArgument(fatal_);
    if (terrors_.empty()) return Status::Ok();
    std::string msg = "yaml: unmarshal errors:";
    for (const std::string& e : terrors_) msg += "\n  " + e;
    return Status::InvalidArgument(std::move(msg));
  }

 private:
  // A struct field decoder: returns false when `name` is not a field of the struct.
  using FieldFn = std::function<bool(std::string_view name, const YamlNode& value)>;

  bool failed() const { return !fatal_.empty(); }
  void Fail(std::string msg) {
    if (fatal_.empty()) fatal_ = std::move(msg);
  }

  // "line N: cannot unmarshal <tag>[ `value`] into <type>".
  void TypeError(const YamlNode& n, std::string_view type) {
    std::string_view tag = n.IsSeq() ? "!!seq" : n.IsMap() ? "!!map" : V3Tag(n);
    std::string value;
    if (tag != "!!seq" && tag != "!!map") {
      value = n.value.size() > 10 ? " `" + n.value.substr(0, 7) + "...`" : " `" + n.value + "`";
    }
    terrors_.push_back(
        fmt::format("line {}: cannot unmarshal {}{} into {}", n.line, tag, value, type));
  }

  // v3 checks every mapping for repeated keys before decoding it; a mapping with any is not
  // decoded at all.
  bool DuplicateKeys(const YamlNode& n) {
    size_t before = terrors_.size();
    for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
      for (size_t j = i + 2; j + 1 < n.items.size(); j += 2) {
        const YamlNode& a = n.items[i];
        const YamlNode& b = n.items[j];
        if (SameKey(a, b)) {
          terrors_.push_back(fmt::format("line {}: mapping key {} already defined at line {}",
                                         b.line, util::GoQuote(b.value), a.line));
        }
      }
    }
    return terrors_.size() > before;
  }

  // A non-scalar where a scalar type is wanted.
  void Mismatch(const YamlNode& n, std::string_view type) {
    if (n.IsMap() && DuplicateKeys(n)) return;
    TypeError(n, type);
  }

  // A mapping key decoded into a string: null keys are skipped silently.
  bool Key(const YamlNode& k, std::string& name) {
    if (k.IsNull()) return false;
    if (!k.IsScalar()) {
      Mismatch(k, kStringType);
      return false;
    }
    name = k.value;
    return true;
  }

  bool String(const YamlNode& n, std::string& out) {
    if (n.IsNull()) return false;
    if (!n.IsScalar()) {
      Mismatch(n, kStringType);
      return false;
    }
    out = n.value;
    return true;
  }

  bool Int(const YamlNode& n, int64_t& out) {
    if (n.IsNull()) return false;
    if (!n.IsScalar()) {
      Mismatch(n, "int");
      return false;
    }
    std::string_view tag = V3Tag(n);
    if (tag == "!!int" && ParseGoInt(n.value, out)) return true;
    if (tag == "!!float") {
      std::string s = n.value;
      std::erase(s, '_');
      double d = std::strtod(s.c_str(), nullptr);
      // v3 converts a float that fits, truncating it.
      if (std::isfinite(d) && d < 9223372036854775808.0 && d >= -9223372036854775808.0) {
        out = static_cast<int64_t>(d);
        return true;
      }
    }
    TypeError(n, "int");
    return false;
  }

  // model.Duration's UnmarshalYAML: a string, then model.ParseDuration, whose error stops the
  // decode.
  bool Duration(const YamlNode& n, int64_t& out_ms) {
    if (n.IsNull()) return false;
    std::string s;
    if (!String(n, s)) return false;
    auto d = util::ParseDuration(s);
    if (!d.ok()) {
      Fail(std::string(d.status().message()));
      return false;
    }
    out_ms = *d;
    return true;
  }

  // map[string]string. Merged mappings add only keys not yet set.
  bool StrMap(const YamlNode& n, StringMap& out, bool fresh = true) {
    if (n.IsNull()) {
      if (fresh) out.clear();
      return true;
    }
    if (!n.IsMap()) {
      Mismatch(n, kMapType);
      return false;
    }
    if (DuplicateKeys(n)) return false;
    if (fresh) out.clear();
    std::set<std::string>* merged = merged_;
    merged_ = nullptr;
    const YamlNode* merge = nullptr;
    for (size_t i = 0; i + 1 < n.items.size() && !failed(); i += 2) {
      if (IsMergeKey(n.items[i])) {
        merge = &n.items[i + 1];
        continue;
      }
      std::string key;
      if (!Key(n.items[i], key)) continue;
      if (merged != nullptr && !merged->insert(key).second) continue;
      const YamlNode& v = n.items[i + 1];
      if (v.IsNull()) {
        if (fresh || !out.contains(key)) out[key] = "";
        continue;
      }
      std::string value;
      if (String(v, value)) out[key] = std::move(value);
    }
    merged_ = merged;
    if (merge != nullptr && !failed()) {
      Merge(n, *merge, [&](const YamlNode& m) { StrMap(m, out, false); });
    }
    return true;
  }

  // A struct: `field` decodes the fields it knows. Returns go-yaml's `good` (false for null, a
  // type error or repeated keys).
  bool Struct(const YamlNode& n, std::string_view type, const FieldFn& field) {
    if (n.IsNull()) return false;
    if (!n.IsMap()) {
      TypeError(n, type);
      return false;
    }
    if (DuplicateKeys(n)) return false;
    std::set<std::string>* merged = merged_;
    merged_ = nullptr;
    const YamlNode* merge = nullptr;
    for (size_t i = 0; i + 1 < n.items.size() && !failed(); i += 2) {
      const YamlNode& k = n.items[i];
      if (IsMergeKey(k)) {
        merge = &n.items[i + 1];
        continue;
      }
      std::string name;
      if (!Key(k, name)) continue;
      if (merged != nullptr && !merged->insert(name).second) continue;
      // (v3's "field already set" cannot happen: DuplicateKeys rejected repeated keys.)
      if (!field(name, n.items[i + 1]) && known_fields_) {
        terrors_.push_back(
            fmt::format("line {}: field {} not found in type {}", k.line, name, type));
      }
    }
    merged_ = merged;
    if (merge != nullptr && !failed()) {
      Merge(n, *merge, [&](const YamlNode& m) { Struct(m, type, field); });
    }
    return true;
  }

  // A merge key's value: a mapping or a sequence of mappings, decoded into the same value
  // without overriding the keys `parent` sets (nor, in a sequence, those of earlier mappings).
  void Merge(const YamlNode& parent, const YamlNode& merge,
             const std::function<void(const YamlNode&)>& into) {
    std::set<std::string> keys;
    std::set<std::string>* saved = merged_;
    if (merged_ == nullptr) {
      for (size_t i = 0; i + 1 < parent.items.size(); i += 2) {
        if (parent.items[i].IsScalar()) keys.insert(parent.items[i].value);
      }
      merged_ = &keys;
    }
    constexpr std::string_view kWantMap =
        "yaml: map merge requires map or sequence of maps as the value";
    if (merge.IsMap()) {
      into(merge);
    } else if (merge.IsSeq()) {
      for (const YamlNode& m : merge.items) {
        if (!m.IsMap()) {
          Fail(std::string(kWantMap));
          break;
        }
        into(m);
        if (failed()) break;
      }
    } else {
      Fail(std::string(kWantMap));
    }
    merged_ = saved;
  }

  // `item(node, T&)` decodes one element and returns go-yaml's `good`.
  template <typename T, typename ItemFn>
  bool Seq(const YamlNode& n, std::string_view type, std::vector<T>& out, const ItemFn& item) {
    if (n.IsNull()) {
      out.clear();
      return true;
    }
    if (!n.IsSeq()) {
      Mismatch(n, type);
      return false;
    }
    out.clear();
    for (const YamlNode& it : n.items) {
      T value;
      // Elements that fail (null, wrong type, repeated keys) are left out, as go-yaml does.
      if (item(it, value)) out.push_back(std::move(value));
      if (failed()) break;
    }
    return true;
  }

  static Position PosOf(const YamlNode& n) { return Position{n.line, n.col}; }

  bool Group(const YamlNode& n, RuleGroup& g) {
    if (pass_ == Pass::kValues) g.pos = PosOf(n);
    return Struct(n, types_.group, [&](std::string_view name, const YamlNode& v) {
      if (name == "name") {
        String(v, g.name);
      } else if (name == "interval") {
        Duration(v, g.interval_ms);
      } else if (name == "query_offset") {
        int64_t ms = 0;
        if (v.IsNull()) {
          g.query_offset_ms.reset();
        } else if (Duration(v, ms)) {
          g.query_offset_ms = ms;
        }
      } else if (name == "limit") {
        Int(v, g.limit);
      } else if (name == "rules") {
        Seq(v, types_.rules, g.rules,
            [&](const YamlNode& item, Rule& r) { return RuleFields(item, r); });
      } else if (name == "labels") {
        StrMap(v, g.labels);
      } else if (name == "partial_response_strategy" && manifest_) {
        String(v, g.partial_response_strategy);
      } else if (name == "node" && pass_ == Pass::kPositions) {
        // RuleGroupNode embeds yaml.Node without `,inline`: go-yaml makes it a field "node".
        g.pos = PosOf(v);
      } else {
        return false;
      }
      return true;
    });
  }

  bool RuleFields(const YamlNode& n, Rule& r) {
    r.pos = PosOf(n);
    return Struct(n, types_.rule, [&](std::string_view name, const YamlNode& v) {
      const bool nodes = pass_ == Pass::kPositions;  // record/alert/expr are yaml.Node there
      if (name == "record") {
        nodes ? void(r.record_pos = PosOf(v)) : void(String(v, r.record));
      } else if (name == "alert") {
        nodes ? void(r.alert_pos = PosOf(v)) : void(String(v, r.alert));
      } else if (name == "expr") {
        nodes ? void(r.expr_pos = PosOf(v)) : void(String(v, r.expr));
      } else if (name == "for") {
        Duration(v, r.for_ms);
      } else if (name == "keep_firing_for") {
        Duration(v, r.keep_firing_for_ms);
      } else if (name == "labels") {
        StrMap(v, r.labels);
      } else if (name == "annotations") {
        StrMap(v, r.annotations);
      } else {
        return false;
      }
      return true;
    });
  }

  const Pass pass_;
  const TypeNames types_;
  const bool known_fields_;
  const bool manifest_;
  std::vector<std::string> terrors_;
  std::string fatal_;
  // go-yaml's mergedFields: while a merge is decoded, the keys already set.
  std::set<std::string>* merged_ = nullptr;
};

}  // namespace

Status Decode(const YamlNode& root, Pass pass, bool known_fields, bool manifest, RuleGroups& out) {
  Decoder d(pass, known_fields, manifest);
  return d.Run(root, out);
}

}  // namespace promkit::rules::rulefmt::internal
