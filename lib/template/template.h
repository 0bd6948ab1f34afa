#pragma once
// Go's text/template, as Prometheus (alert and console templates) and Alertmanager (notification
// templates) use it: the same syntax, the same truth, comparison and printing rules, the same
// parse and exec error texts ("template: <name>:<line>:<col>: executing "<name>" at <node>: ...").
// Functions are pluggable (FuncMap): Prometheus's set is in template/prometheus.h.
//
// Beyond Go, execution is bounded (Options): a step budget, a template call depth and an output
// size, so untrusted templates cannot loop or allocate without limit.
//
// Thread-safety: a parsed Template is immutable; Execute may run concurrently. Parse and
// AddFuncs are not thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "template/value.h"
#include "util/status.h"

namespace promkit::tmpl {

namespace internal {
struct Tree;
}  // namespace internal

// A template function. `params` are Go parameter types, which decide how arguments are checked
// and how constants convert, as Go's reflection does: "any" (interface {} or reflect.Value: any
// value, nil included), "string", "int", "float64", "bool", or any other type name (a value must
// have exactly that TypeName(), or be a pointer "*T" to it). When `variadic`, the last param
// repeats zero or more times. An error returned by `fn` reads "error calling <name>: <error>".
struct Func {
  std::vector<std::string> params;
  bool variadic = false;
  std::function<Result<Value>(std::span<const Value> args)> fn;
};
using FuncMap = std::map<std::string, Func, std::less<>>;

// Go's Option("missingkey=..."): what a missing map key gives.
enum class MissingKey {
  kInvalid,  // "missingkey=default": no value (prints "<no value>")
  kZero,     // "missingkey=zero": the map's zero element ("" for map[string]string)
  kError,    // "missingkey=error": execution stops with an error
};

struct Options {
  MissingKey missing_key = MissingKey::kInvalid;
  // Execution steps (nodes walked plus commands evaluated) before execution fails.
  int64_t max_steps = 10'000'000;
  // Nested {{template}} calls (Go allows 100000 on its growable stacks).
  int max_depth = 1000;
  // Bytes of output, and of any one string a function returns.
  size_t max_output = 64 << 20;
  // Nesting of control structures and parentheses at parse time.
  int max_parse_depth = 1000;
};

class Template {
 public:
  // An empty template named `name` with user functions `funcs` (which may override builtins,
  // as in Go).
  explicit Template(std::string name, FuncMap funcs = {}, Options options = {});
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

  const std::string& name() const { return name_; }
  // Go's Funcs: adds or replaces functions; call before Parse.
  void AddFuncs(const FuncMap& funcs);
  // Go's Parse: parses `text` as this template's body; {{define}} and {{block}} add named
  // templates. A later Parse replaces templates it redefines, except that an empty body never
  // replaces a non-empty one. Errors in Go's words, e.g.
  //   template: name:1: unexpected "}" in operand
  Status Parse(std::string_view text);
  // Go's t.New(name).Parse(text) (as ParseFiles/ParseGlob use it): `text` is parsed under
  // `name`, into this template's set: its body becomes template `name`, and errors in it and in
  // its {{define}}s, at parse and execution time, name it.
  Status ParseAs(std::string_view name, std::string_view text);

  // Go's Execute: runs this template on `data`, appending to `out` (which keeps what was
  // written before an error, as Go's writer would).
  Status Execute(const Value& data, std::string* out) const;
  // Go's ExecuteTemplate.
  Status ExecuteTemplate(std::string_view name, const Value& data, std::string* out) const;
  // Whether a template of that name was defined (Go's Lookup != nil).
  bool Defined(std::string_view name) const;
  // Go's DefinedTemplates: "; defined templates are: "a", "b"" (here in name order) or "".
  std::string DefinedTemplates() const;

 private:
  friend class Executor;
  std::string name_;
  std::shared_ptr<FuncMap> funcs_;
  Options options_;
  std::map<std::string, std::shared_ptr<const internal::Tree>, std::less<>> trees_;
};

// The builtins every template has (and, or, not, len, index, slice, eq, ne, lt, le, gt, ge,
// print, printf, println, html, js, urlquery, call); and/or short-circuit inside the executor.
const FuncMap& Builtins();

}  // namespace promkit::tmpl
