#include "alertmanager/template.h"

#include <span>

#include <glob.h>

#include "template/prometheus.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::alertmanager {

using tmpl::Func;
using tmpl::Value;
using util::Result;
using util::Status;

tmpl::FuncMap TemplateFuncs() {
  // The functions upstream shares with Prometheus's set, with the same implementations.
  tmpl::FuncMap prom = tmpl::PrometheusFuncs({});
  tmpl::FuncMap m;
  for (const char* name :
       {"toUpper", "toLower", "match", "reReplaceAll", "safeHtml", "humanizeDuration"}) {
    m[name] = prom.at(name);
  }
  const auto string_fn = [](std::string (*f)(std::string_view)) {
    return Func{{"string"}, false, [f](std::span<const Value> a) -> Result<Value> {
                  return Value(f(a[0].AsString()));
                }};
  };
  m["title"] = string_fn(tmpl::Title);
  m["trimSpace"] = Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
                          return Value(std::string(util::TrimSpace(a[0].AsString())));
                        }};
  m["safeUrl"] = m["safeHtml"];
  m["join"] = Func{{"string", "[]string"}, false, [](std::span<const Value> a) -> Result<Value> {
                     std::string out;
                     const std::vector<Value>& items = a[1].AsList();
                     for (size_t i = 0; i < items.size(); ++i) {
                       if (i > 0) out += a[0].AsString();
                       out += items[i].AsString();
                     }
                     return Value(std::move(out));
                   }};
  m["stringSlice"] = Func{{"string"}, true, [](std::span<const Value> a) -> Result<Value> {
                            return Value::List(std::vector<Value>(a.begin(), a.end()), "[]string");
                          }};
  // A placeholder upstream replaces per notification; templates only need it to parse.
  m["routeLabels"] =
      Func{{"string"}, false, [](std::span<const Value>) -> Result<Value> { return Value(""); }};
  m["list"] = Func{{"any"}, true, [](std::span<const Value> a) -> Result<Value> {
                     return Value::List(std::vector<Value>(a.begin(), a.end()));
                   }};
  m["append"] =
      Func{{"[]interface {}", "any"}, true, [](std::span<const Value> a) -> Result<Value> {
             std::vector<Value> items = a[0].AsList();
             items.insert(items.end(), a.begin() + 1, a.end());
             return Value::List(std::move(items));
           }};
  m["dict"] = Func{{"any"}, true, [](std::span<const Value> a) -> Result<Value> {
                     if (a.size() % 2 != 0) {
                       return Status::InvalidArgument("dict requires an even number of arguments");
                     }
                     std::map<std::string, Value, std::less<>> out;
                     for (size_t i = 0; i < a.size(); i += 2) {
                       if (a[i].kind() != Value::Kind::kString) {
                         return Status::InvalidArgument("dict keys must be strings");
                       }
                       out[a[i].AsString()] = a[i + 1];
                     }
                     return Value::Map(std::move(out));
                   }};
  // TODO(#8): date, tz, now, since, toDate, mustToDate, toJson, base64encode, base64decode
  // with upstream's semantics (time zones, Go layouts, encoding/json); until then they parse
  // and fail when executed.
  for (const auto& [name, arity] :
       std::initializer_list<std::pair<const char*, int>>{{"date", 2},
                                                          {"tz", 2},
                                                          {"now", 0},
                                                          {"since", 1},
                                                          {"toDate", 2},
                                                          {"mustToDate", 2},
                                                          {"toJson", 1},
                                                          {"base64encode", 1},
                                                          {"base64decode", 1}}) {
    std::string n = name;
    m[n] = Func{std::vector<std::string>(static_cast<size_t>(arity), "any"), false,
                [n](std::span<const Value>) -> Result<Value> {
                  return Status::InvalidArgument(n + " is not supported by promkit yet");
                }};
  }
  return m;
}

Status CheckTemplateGlobs(const std::vector<std::string>& globs) {
  tmpl::FuncMap funcs = TemplateFuncs();
  for (const std::string& pattern : globs) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc == GLOB_NOSPACE || rc == GLOB_ABORTED) {
      return Status::InvalidArgument("syntax error in pattern");
    }
    for (const std::string& file : files) {
      PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
      size_t slash = file.rfind('/');
      tmpl::Options opts;
      opts.missing_key = tmpl::MissingKey::kZero;
      tmpl::Template t(slash == std::string::npos ? file : file.substr(slash + 1), funcs, opts);
      PROMKIT_RETURN_IF_ERROR(t.Parse(text));
    }
  }
  return Status::Ok();
}

}  // namespace promkit::alertmanager
