#include "template/template.h"

#include <optional>
#include <string>
#include <utility>

#include <fmt/core.h>

#include "template/gofmt.h"
#include "template/internal/parse.h"
#include "util/strings.h"

namespace promkit::tmpl {

using internal::Node;
using internal::NodeType;
using internal::Tree;

namespace {

bool CanBeNil(std::string_view type) {
  return type == "any" || type.starts_with('*') || type.starts_with("[]") ||
         type.starts_with("map[");
}

// Go's basicKind for comparisons.
enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString };
BasicKind KindOf(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return BasicKind::kBool;
    case Value::Kind::kInt:
      return BasicKind::kInt;
    case Value::Kind::kFloat:
      return BasicKind::kFloat;
    case Value::Kind::kString:
      return BasicKind::kString;
    default:
      return BasicKind::kInvalid;
  }
}

// %s of a value inside fmt.Errorf, as eq's "non-comparable" errors print operands.
std::string FormatS(const Value& v) {
  const Value args[] = {v};
  return GoSprintf("%s", args);
}

Result<bool> Eq(const Value& a, std::span<const Value> others) {
  if (others.empty()) return Status::InvalidArgument("missing argument for comparison");
  const BasicKind k1 = KindOf(a);
  for (const Value& b : others) {
    const BasicKind k2 = KindOf(b);
    bool truth = false;
    if (k1 != k2) {
      if (!a.is_nil() && !b.is_nil()) {
        return Status::InvalidArgument("incompatible types for comparison");
      }
    } else {
      switch (k1) {
        case BasicKind::kBool:
          truth = a.AsBool() == b.AsBool();
          break;
        case BasicKind::kInt:
          truth = a.AsInt() == b.AsInt();
          break;
        case BasicKind::kFloat:
          truth = a.AsFloat() == b.AsFloat();
          break;
        case BasicKind::kString:
          truth = a.AsString() == b.AsString();
          break;
        case BasicKind::kInvalid:
          if (a.kind() != b.kind() && !a.is_nil() && !b.is_nil()) {
            return Status::InvalidArgument(fmt::format("non-comparable types {}: {}, {}: {}",
                                                       FormatS(a), a.TypeName(), b.TypeName(),
                                                       b.Format()));
          }
          if (a.is_nil() || b.is_nil()) {
            truth = a.is_nil() == b.is_nil();
          } else if (b.kind() == Value::Kind::kList || b.kind() == Value::Kind::kMap) {
            return Status::InvalidArgument(
                fmt::format("non-comparable type {}: {}", FormatS(b), b.TypeName()));
          } else {
            truth = a.host_ptr() == b.host_ptr();
          }
          break;
      }
    }
    if (truth) return true;
  }
  return false;
}

Result<bool> Lt(const Value& a, const Value& b) {
  const BasicKind k1 = KindOf(a);
  const BasicKind k2 = KindOf(b);
  if (k1 == BasicKind::kInvalid || k2 == BasicKind::kInvalid) {
    return Status::InvalidArgument("invalid type for comparison");
  }
  if (k1 != k2) return Status::InvalidArgument("incompatible types for comparison");
  switch (k1) {
    case BasicKind::kFloat:
      return a.AsFloat() < b.AsFloat();
    case BasicKind::kInt:
      return a.AsInt() < b.AsInt();
    case BasicKind::kString:
      return a.AsString() < b.AsString();
    default:
      return Status::InvalidArgument("invalid type for comparison");
  }
}

Result<bool> Le(const Value& a, const Value& b) {
  PROMKIT_ASSIGN_OR_RETURN(bool lt, Lt(a, b));
  if (lt) return true;
  const Value rhs[] = {b};
  return Eq(a, rhs);
}

Result<int64_t> IndexArg(const Value& index, size_t cap) {
  if (index.is_nil()) return Status::InvalidArgument("cannot index slice/array with nil");
  if (index.kind() != Value::Kind::kInt) {
    return Status::InvalidArgument("cannot index slice/array with type " + index.TypeName());
  }
  const int64_t x = index.AsInt();
  if (x < 0 || static_cast<uint64_t>(x) > cap) {
    return Status::InvalidArgument(fmt::format("index out of range: {}", x));
  }
  return x;
}

Result<Value> Index(std::span<const Value> args) {
  Value item = args[0];
  if (item.is_nil()) return Status::InvalidArgument("index of untyped nil");
  for (const Value& index : args.subspan(1)) {
    switch (item.kind()) {
      case Value::Kind::kList: {
        PROMKIT_ASSIGN_OR_RETURN(int64_t x, IndexArg(index, item.AsList().size()));
        if (static_cast<size_t>(x) == item.AsList().size()) {
          return Status::InvalidArgument("reflect: slice index out of range");
        }
        Value next = item.AsList()[static_cast<size_t>(x)];
        item = std::move(next);
        break;
      }
      case Value::Kind::kString: {
        PROMKIT_ASSIGN_OR_RETURN(int64_t x, IndexArg(index, item.AsString().size()));
        if (static_cast<size_t>(x) == item.AsString().size()) {
          return Status::InvalidArgument("reflect: string index out of range");
        }
        item = Value(static_cast<int64_t>(static_cast<unsigned char>(item.AsString()[x])));
        break;
      }
      case Value::Kind::kMap: {
        if (index.is_nil())
          return Status::InvalidArgument("value is nil; should be of type string");
        if (index.kind() != Value::Kind::kString) {
          return Status::InvalidArgument("value has type " + index.TypeName() +
                                         "; should be string");
        }
        const auto& entries = item.map().entries;
        auto it = entries.find(index.AsString());
        Value next = it != entries.end() ? it->second : *item.map().zero;
        item = std::move(next);
        break;
      }
      default:
        if (item.is_nil()) return Status::InvalidArgument("index of nil pointer");
        return Status::InvalidArgument("can't index item of type " + item.TypeName());
    }
  }
  return item;
}

Result<Value> Slice(std::span<const Value> args) {
  const Value& item = args[0];
  if (item.is_nil()) return Status::InvalidArgument("slice of untyped nil");
  const std::span<const Value> indexes = args.subspan(1);
  if (indexes.size() > 3) {
    return Status::InvalidArgument(fmt::format("too many slice indexes: {}", indexes.size()));
  }
  size_t cap;
  if (item.kind() == Value::Kind::kString) {
    if (indexes.size() == 3) return Status::InvalidArgument("cannot 3-index slice a string");
    cap = item.AsString().size();
  } else if (item.kind() == Value::Kind::kList) {
    cap = item.AsList().size();
  } else {
    return Status::InvalidArgument("can't slice item of type " + item.TypeName());
  }
  int64_t idx[3] = {0, static_cast<int64_t>(cap), 0};
  for (size_t i = 0; i < indexes.size(); ++i) {
    PROMKIT_ASSIGN_OR_RETURN(idx[i], IndexArg(indexes[i], cap));
  }
  if (idx[0] > idx[1]) {
    return Status::InvalidArgument(fmt::format("invalid slice index: {} > {}", idx[0], idx[1]));
  }
  if (indexes.size() == 3 && idx[1] > idx[2]) {
    return Status::InvalidArgument(fmt::format("invalid slice index: {} > {}", idx[1], idx[2]));
  }
  const auto lo = static_cast<size_t>(idx[0]);
  const auto hi = static_cast<size_t>(idx[1]);
  if (item.kind() == Value::Kind::kString) return Value(item.AsString().substr(lo, hi - lo));
  std::vector<Value> out(item.AsList().begin() + static_cast<std::ptrdiff_t>(lo),
                         item.AsList().begin() + static_cast<std::ptrdiff_t>(hi));
  return Value::List(std::move(out), item.list().type_name);
}

// evalArgs of the escapers: a lone string as is, else fmt.Sprint of the operands.
std::string EscaperArg(std::span<const Value> args) {
  if (args.size() == 1 && args[0].kind() == Value::Kind::kString) return args[0].AsString();
  return GoSprint(args);
}

Func MakeFunc(std::vector<std::string> params, bool variadic,
              std::function<Result<Value>(std::span<const Value>)> fn) {
  return Func{std::move(params), variadic, std::move(fn)};
}

FuncMap MakeBuiltins() {
  FuncMap m;
  const auto unreachable = [](std::span<const Value>) -> Result<Value> {
    return Status::Internal("BUG: and/or are evaluated by the executor");
  };
  m["and"] = MakeFunc({"any", "any"}, true, unreachable);
  m["or"] = MakeFunc({"any", "any"}, true, unreachable);
  m["not"] = MakeFunc({"any"}, false, [](std::span<const Value> a) -> Result<Value> {
    return Value(!a[0].Truth());
  });
  m["len"] = MakeFunc({"any"}, false, [](std::span<const Value> a) -> Result<Value> {
    switch (a[0].kind()) {
      case Value::Kind::kString:
        return Value(static_cast<int64_t>(a[0].AsString().size()));
      case Value::Kind::kList:
        return Value(static_cast<int64_t>(a[0].AsList().size()));
      case Value::Kind::kMap:
        return Value(static_cast<int64_t>(a[0].map().entries.size()));
      case Value::Kind::kNil:
        // Go 1.19 fails inside reflect here; its message is kept.
        return Status::InvalidArgument("reflect: call of reflect.Value.Type on zero Value");
      default:
        return Status::InvalidArgument("len of type " + a[0].TypeName());
    }
  });
  m["index"] = MakeFunc({"any", "any"}, true, Index);
  m["slice"] = MakeFunc({"any", "any"}, true, Slice);
  m["eq"] = MakeFunc({"any", "any"}, true, [](std::span<const Value> a) -> Result<Value> {
    PROMKIT_ASSIGN_OR_RETURN(bool r, Eq(a[0], a.subspan(1)));
    return Value(r);
  });
  m["ne"] = MakeFunc({"any", "any"}, false, [](std::span<const Value> a) -> Result<Value> {
    PROMKIT_ASSIGN_OR_RETURN(bool r, Eq(a[0], a.subspan(1)));
    return Value(!r);
  });
  m["lt"] = MakeFunc({"any", "any"}, false, [](std::span<const Value> a) -> Result<Value> {
    PROMKIT_ASSIGN_OR_RETURN(bool r, Lt(a[0], a[1]));
    return Value(r);
  });
  m["le"] = MakeFunc({"any", "any"}, false, [](std::span<const Value> a) -> Result<Value> {
    PROMKIT_ASSIGN_OR_RETURN(bool r, Le(a[0], a[1]));
    return Value(r);
  });
  m["gt"] = MakeFunc({"any", "any"}, false, [](std::span<const Value> a) -> Result<Value> {
    PROMKIT_ASSIGN_OR_RETURN(bool r, Le(a[0], a[1]));
    return Value(!r);
  });
  m["ge"] = MakeFunc({"any", "any"}, false, [](std::span<const Value> a) -> Result<Value> {
    PROMKIT_ASSIGN_OR_RETURN(bool r, Lt(a[0], a[1]));
    return Value(!r);
  });
  m["print"] = MakeFunc(
      {"any"}, true, [](std::span<const Value> a) -> Result<Value> { return Value(GoSprint(a)); });
  m["println"] = MakeFunc({"any"}, true, [](std::span<const Value> a) -> Result<Value> {
    return Value(GoSprintln(a));
  });
  m["printf"] = MakeFunc({"string", "any"}, true, [](std::span<const Value> a) -> Result<Value> {
    return Value(GoSprintf(a[0].AsString(), a.subspan(1)));
  });
  m["html"] = MakeFunc({"any"}, true, [](std::span<const Value> a) -> Result<Value> {
    return Value(HtmlEscape(EscaperArg(a)));
  });
  m["js"] = MakeFunc({"any"}, true, [](std::span<const Value> a) -> Result<Value> {
    return Value(JsEscape(EscaperArg(a)));
  });
  m["urlquery"] = MakeFunc({"any"}, true, [](std::span<const Value> a) -> Result<Value> {
    return Value(util::UrlQueryEscape(EscaperArg(a)));
  });
  // promkit values hold no functions, so call always fails as Go's does on a non-function.
  m["call"] = MakeFunc({"any", "any"}, true, [](std::span<const Value> a) -> Result<Value> {
    if (a[0].is_nil()) return Status::InvalidArgument("call of nil");
    return Status::InvalidArgument("non-function of type " + a[0].TypeName());
  });
  return m;
}

}  // namespace

const FuncMap& Builtins() {
  static const FuncMap kBuiltins = MakeBuiltins();
  return kBuiltins;
}

// Runs one Execute: Go's exec.go state, with Status returns instead of panics. node_ mirrors
// Go's s.node: errors name the node most recently marked, which is not always the failing one.
class Executor {
 public:
  Executor(const Template& t, std::string* out) : tmpl_(t), out_(out) {}

  Status Run(const Tree& tree, const Value& data) {
    tree_name_ = tree.name;
    vars_.push_back({"$", data});
    return Walk(data, *tree.root);
  }

 private:
  enum class Flow { kNone, kBreak, kContinue };

  void At(const Node* n) { node_ = n; }

  Status Errorf(std::string_view msg) const {
    if (node_ == nullptr) {
      return Status::InvalidArgument(fmt::format("template: {}: {}", tree_name_, msg));
    }
    return Status::InvalidArgument(
        fmt::format("template: {}: executing {} at <{}>: {}", internal::NodeLocation(*node_),
                    util::GoQuote(tree_name_), internal::NodeString(*node_), msg));
  }

  Status Step() {
    if (++steps_ > tmpl_.options_.max_steps) {
      return Errorf(
          fmt::format("exceeded maximum number of execution steps ({})", tmpl_.options_.max_steps));
    }
    return Status::Ok();
  }

  Status Write(std::string_view s) {
    if (out_->size() + s.size() > tmpl_.options_.max_output) {
      return Errorf(
          fmt::format("output exceeds maximum size ({} bytes)", tmpl_.options_.max_output));
    }
    out_->append(s);
    return Status::Ok();
  }

  const Value* VarValue(std::string_view name) const {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return &vars_[i].second;
    }
    return nullptr;
  }

  Status Walk(const Value& dot, const Node& node) {
    At(&node);
    PROMKIT_RETURN_IF_ERROR(Step());
    switch (node.type) {
      case NodeType::kAction: {
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, node.pipe.get()));
        if (node.pipe->decl.empty()) return PrintValue(node, v);
        return Status::Ok();
      }
      case NodeType::kBreak:
        flow_ = Flow::kBreak;
        return Status::Ok();
      case NodeType::kContinue:
        flow_ = Flow::kContinue;
        return Status::Ok();
      case NodeType::kComment:
        return Status::Ok();
      case NodeType::kIf:
      case NodeType::kWith:
        return WalkIfOrWith(node, dot);
      case NodeType::kList:
        for (const auto& n : node.nodes) {
          PROMKIT_RETURN_IF_ERROR(Walk(dot, *n));
          if (flow_ != Flow::kNone) break;
        }
        return Status::Ok();
      case NodeType::kRange:
        return WalkRange(dot, node);
      case NodeType::kTemplate:
        return WalkTemplate(dot, node);
      case NodeType::kText:
        return Write(node.text);
      default:
        return Errorf("unknown node: " + internal::NodeString(node));
    }
  }

  Status WalkIfOrWith(const Node& node, const Value& dot) {
    const size_t mark = vars_.size();
    Result<Value> val = EvalPipeline(dot, node.pipe.get());
    Status st;
    if (!val.ok()) {
      st = val.status();
    } else if (val->Truth()) {
      st = Walk(node.type == NodeType::kWith ? *val : dot, *node.list);
    } else if (node.else_list != nullptr) {
      st = Walk(dot, *node.else_list);
    }
    vars_.resize(mark);
    return st;
  }

  // One iteration of a range body; false when the loop must stop (error or break).
  bool Iterate(const Node& r, const Value& index, const Value& elem, Status* st) {
    const size_t n = r.pipe->decl.size();
    if (n > 0) vars_[vars_.size() - 1].second = elem;
    if (n > 1) vars_[vars_.size() - 2].second = index;
    const size_t mark = vars_.size();
    *st = Walk(elem, *r.list);
    vars_.resize(mark);
    if (!st->ok()) return false;
    if (flow_ == Flow::kBreak) {
      flow_ = Flow::kNone;
      return false;
    }
    flow_ = Flow::kNone;
    return true;
  }

  Status WalkRange(const Value& dot, const Node& r) {
    At(&r);
    const size_t mark = vars_.size();
    Status st = WalkRangeInner(dot, r);
    vars_.resize(mark);
    return st;
  }

  Status WalkRangeInner(const Value& dot, const Node& r) {
    PROMKIT_ASSIGN_OR_RETURN(Value val, EvalPipeline(dot, r.pipe.get()));
    Status st;
    switch (val.kind()) {
      case Value::Kind::kList:
        if (val.AsList().empty()) break;
        for (size_t i = 0; i < val.AsList().size(); ++i) {
          if (!Iterate(r, Value(static_cast<int64_t>(i)), val.AsList()[i], &st)) break;
        }
        return st;
      case Value::Kind::kMap:
        if (val.map().entries.empty()) break;
        for (const auto& [key, elem] : val.map().entries) {
          if (!Iterate(r, Value(key), elem, &st)) break;
        }
        return st;
      case Value::Kind::kInt:
        // Go 1.22 ranges over integers: 0..n-1, one variable at most.
        if (r.pipe->decl.size() > 1) {
          return Errorf("can't use " + val.Format() + " to iterate over more than one variable");
        }
        if (val.AsInt() <= 0) break;
        for (int64_t i = 0; i < val.AsInt(); ++i) {
          if (!Iterate(r, Value(i), Value(i), &st)) break;
        }
        return st;
      case Value::Kind::kNil:
        break;
      default:
        return Errorf("range can't iterate over " + val.Format());
    }
    if (r.else_list != nullptr) return Walk(dot, *r.else_list);
    return Status::Ok();
  }

  Status WalkTemplate(const Value& dot, const Node& t) {
    At(&t);
    auto it = tmpl_.trees_.find(t.text);
    if (it == tmpl_.trees_.end())
      return Errorf("template " + util::GoQuote(t.text) + " not defined");
    if (depth_ >= tmpl_.options_.max_depth) {
      return Errorf(fmt::format("exceeded maximum template depth ({})", tmpl_.options_.max_depth));
    }
    PROMKIT_ASSIGN_OR_RETURN(Value new_dot, EvalPipeline(dot, t.pipe.get()));
    std::vector<std::pair<std::string, Value>> saved_vars = std::move(vars_);
    vars_.clear();
    vars_.push_back({"$", new_dot});
    std::string saved_name = std::move(tree_name_);
    tree_name_ = it->second->name;
    ++depth_;
    Status st = Walk(new_dot, *it->second->root);
    --depth_;
    vars_ = std::move(saved_vars);
    if (st.ok()) tree_name_ = std::move(saved_name);  // errors keep naming the callee
    return st;
  }

  Result<Value> EvalPipeline(const Value& dot, const Node* pipe) {
    if (pipe == nullptr) return Value();
    At(pipe);
    Value value;
    const Value* final = nullptr;
    for (const auto& cmd : pipe->nodes) {
      PROMKIT_ASSIGN_OR_RETURN(value, EvalCommand(dot, *cmd, final));
      final = &value;
    }
    for (const auto& var : pipe->decl) {
      if (pipe->is_assign) {
        PROMKIT_RETURN_IF_ERROR(SetVar(var->ident[0], value));
      } else {
        vars_.push_back({var->ident[0], value});
      }
    }
    return value;
  }

  Status SetVar(const std::string& name, const Value& value) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = value;
        return Status::Ok();
      }
    }
    return Errorf("undefined variable: " + name);
  }

  Status NotAFunction(const Node& cmd, const Value* final) {
    if (cmd.nodes.size() > 1 || final != nullptr) {
      return Errorf("can't give argument to non-function " + internal::NodeString(*cmd.nodes[0]));
    }
    return Status::Ok();
  }

  Result<Value> EvalCommand(const Value& dot, const Node& cmd, const Value* final) {
    PROMKIT_RETURN_IF_ERROR(Step());
    const Node& first = *cmd.nodes[0];
    switch (first.type) {
      case NodeType::kField:
        At(&first);
        return EvalFieldChain(dot, dot, first, first.ident, &cmd, final);
      case NodeType::kChain:
        return EvalChain(dot, first, &cmd, final);
      case NodeType::kIdentifier:
        At(&first);
        return EvalFunction(dot, first, cmd, &cmd, final);
      case NodeType::kPipe:
        PROMKIT_RETURN_IF_ERROR(NotAFunction(cmd, final));
        return EvalPipeline(dot, &first);
      case NodeType::kVariable:
        return EvalVariable(dot, first, &cmd, final);
      default:
        break;
    }
    At(&first);
    PROMKIT_RETURN_IF_ERROR(NotAFunction(cmd, final));
    switch (first.type) {
      case NodeType::kBool:
        return Value(first.bool_val);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        return Errorf("nil is not a command");
      case NodeType::kNumber:
        return IdealConstant(first);
      case NodeType::kString:
        return Value(first.text);
      default:
        return Errorf("can't evaluate command " + util::GoQuote(internal::NodeString(first)));
    }
  }

  Result<Value> IdealConstant(const Node& c) {
    At(&c);
    if (c.is_complex) return Errorf("complex constants are not supported: " + c.text);
    const bool hex_int = c.text.size() > 2 && c.text[0] == '0' &&
                         (c.text[1] == 'x' || c.text[1] == 'X') &&
                         c.text.find_first_of("pP") == std::string::npos;
    const bool rune_int = !c.text.empty() && c.text[0] == '\'';
    if (c.is_float && !hex_int && !rune_int && c.text.find_first_of(".eEpP") != std::string::npos) {
      return Value(c.float_val);
    }
    if (c.is_int) return Value(c.int_val);
    if (c.is_uint) return Errorf(c.text + " overflows int");
    return Value();
  }

  Result<Value> EvalChain(const Value& dot, const Node& chain, const Node* cmd,
                          const Value* final) {
    At(&chain);
    if (chain.chained->type == NodeType::kNil) {
      return Errorf("indirection through explicit nil in " + internal::NodeString(chain));
    }
    PROMKIT_ASSIGN_OR_RETURN(Value pipe, EvalArg(dot, "", *chain.chained));
    return EvalFieldChain(dot, pipe, chain, chain.ident, cmd, final);
  }

  Result<Value> EvalVariable(const Value& dot, const Node& var, const Node* cmd,
                             const Value* final) {
    At(&var);
    const Value* v = VarValue(var.ident[0]);
    if (v == nullptr) return Errorf("undefined variable: " + var.ident[0]);
    if (var.ident.size() == 1) {
      if (cmd != nullptr) PROMKIT_RETURN_IF_ERROR(NotAFunction(*cmd, final));
      if (cmd == nullptr && final != nullptr) {
        return Errorf("can't give argument to non-function " + internal::NodeString(var));
      }
      return *v;
    }
    const Value receiver = *v;
    return EvalFieldChain(dot, receiver, var, std::span<const std::string>(var.ident).subspan(1),
                          cmd, final);
  }

  Result<Value> EvalFieldChain(const Value& dot, Value receiver, const Node& node,
                               std::span<const std::string> ident, const Node* cmd,
                               const Value* final) {
    // Go reports a failing receiver by its static type: an element of a map or slice of
    // interface {} is "interface {}" there, whatever it holds.
    std::string static_type;
    for (size_t i = 0; i + 1 < ident.size(); ++i) {
      std::string elem_type;
      PROMKIT_ASSIGN_OR_RETURN(receiver, EvalField(dot, ident[i], node, nullptr, nullptr, receiver,
                                                   static_type, &elem_type));
      static_type = std::move(elem_type);
    }
    return EvalField(dot, ident.back(), node, cmd, final, receiver, static_type, nullptr);
  }

  // The element type of a map or slice type name ("map[string]X" or "[]X"), or "".
  static std::string ElemType(const Value& container) {
    const std::string t = container.TypeName();
    if (t.starts_with("map[string]")) return t.substr(std::string_view("map[string]").size());
    if (t.starts_with("[]")) return t.substr(2);
    return std::string();
  }

  Result<Value> EvalField(const Value& dot, const std::string& name, const Node& node,
                          const Node* cmd, const Value* final, const Value& receiver,
                          const std::string& static_type, std::string* elem_type) {
    if (receiver.is_nil()) {
      if (tmpl_.options_.missing_key == MissingKey::kError) {
        return Errorf("nil data; no entry for key " + util::GoQuote(name));
      }
      return Value();
    }
    const bool has_args = (cmd != nullptr && cmd->nodes.size() > 1) || final != nullptr;
    if (const HostObject* methods = receiver.methods(); methods != nullptr) {
      if (Member m = methods->Lookup(name); m.kind == Member::Kind::kMethod) {
        const Value host = Value::Host(receiver.methods_ptr());
        return EvalCall(dot, m.params, m.variadic, nullptr, &host, node, name, cmd, final);
      }
    }
    if (receiver.kind() == Value::Kind::kHost) {
      const HostObject& obj = receiver.host();
      Member m = obj.Lookup(name);
      if (m.kind == Member::Kind::kMethod) {
        return EvalCall(dot, m.params, m.variadic, nullptr, &receiver, node, name, cmd, final);
      }
      if (m.kind == Member::Kind::kField) {
        if (has_args) return Errorf(name + " has arguments but cannot be invoked as function");
        Result<Value> v = obj.Field(name);
        if (!v.ok()) return Errorf(v.status().message());
        return v;
      }
    } else if (receiver.kind() == Value::Kind::kMap) {
      if (has_args) return Errorf(name + " is not a method but has arguments");
      if (elem_type != nullptr) *elem_type = ElemType(receiver);
      const auto& entries = receiver.map().entries;
      if (auto it = entries.find(name); it != entries.end()) return it->second;
      switch (tmpl_.options_.missing_key) {
        case MissingKey::kInvalid:
          return Value();
        case MissingKey::kZero:
          return *receiver.map().zero;
        case MissingKey::kError:
          return Errorf("map has no entry for key " + util::GoQuote(name));
      }
    }
    return Errorf("can't evaluate field " + name + " in type " +
                  (static_type.empty() ? receiver.TypeName() : static_type));
  }

  Result<Value> EvalFunction(const Value& dot, const Node& ident, const Node& call_node,
                             const Node* cmd, const Value* final) {
    At(&ident);
    const std::string& name = ident.text;
    const Func* fn = nullptr;
    bool builtin = false;
    if (auto it = tmpl_.funcs_->find(name); it != tmpl_.funcs_->end()) {
      fn = &it->second;
    } else if (auto bit = Builtins().find(name); bit != Builtins().end()) {
      fn = &bit->second;
      builtin = true;
    }
    if (fn == nullptr) return Errorf(util::GoQuote(name) + " is not a defined function");
    if (builtin && (name == "and" || name == "or")) {
      return EvalAndOr(dot, name == "or", call_node, cmd, final);
    }
    return EvalCall(dot, fn->params, fn->variadic, fn, nullptr, call_node, name, cmd, final);
  }

  Result<Value> EvalAndOr(const Value& dot, bool is_or, const Node& call_node, const Node* cmd,
                          const Value* final) {
    const size_t nargs = cmd != nullptr ? cmd->nodes.size() - 1 : 0;
    const size_t num_in = nargs + (final != nullptr ? 1 : 0);
    if (num_in < 1) {
      node_ = node_ != nullptr ? node_ : &call_node;
      return Errorf(fmt::format("wrong number of args for {}: want at least 1 got {}",
                                is_or ? "or" : "and", nargs));
    }
    Value v;
    for (size_t i = 0; i < nargs; ++i) {
      PROMKIT_ASSIGN_OR_RETURN(v, EvalArg(dot, "any", *cmd->nodes[i + 1]));
      if (v.Truth() == is_or) return v;
    }
    if (final != nullptr) v = *final;
    return v;
  }

  // Go's evalCall: checks the argument count, evaluates arguments for their parameter types,
  // calls, and wraps a failure as "error calling <name>: ...". Exactly one of fn or receiver.
  Result<Value> EvalCall(const Value& dot, const std::vector<std::string>& params, bool variadic,
                         const Func* fn, const Value* receiver, const Node& call_node,
                         const std::string& name, const Node* cmd, const Value* final) {
    std::span<const std::unique_ptr<Node>> args;
    if (cmd != nullptr) args = std::span<const std::unique_ptr<Node>>(cmd->nodes).subspan(1);
    const size_t num_in = args.size() + (final != nullptr ? 1 : 0);
    size_t num_fixed = args.size();
    if (variadic) {
      num_fixed = params.size() - 1;
      if (num_in < num_fixed) {
        return Errorf(fmt::format("wrong number of args for {}: want at least {} got {}", name,
                                  params.size() - 1, args.size()));
      }
    } else if (num_in != params.size()) {
      return Errorf(
          fmt::format("wrong number of args for {}: want {} got {}", name, params.size(), num_in));
    }
    std::vector<Value> argv;
    argv.reserve(num_in);
    size_t i = 0;
    for (; i < num_fixed && i < args.size(); ++i) {
      PROMKIT_ASSIGN_OR_RETURN(Value v, EvalArg(dot, params[i], *args[i]));
      argv.push_back(std::move(v));
    }
    if (variadic) {
      for (; i < args.size(); ++i) {
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalArg(dot, params.back(), *args[i]));
        argv.push_back(std::move(v));
      }
    }
    if (final != nullptr) {
      std::string_view t = params.back();
      if (variadic && num_in - 1 < num_fixed) t = params[num_in - 1];
      PROMKIT_ASSIGN_OR_RETURN(Value v, ValidateType(*final, t));
      argv.push_back(std::move(v));
    }
    Result<Value> r = fn != nullptr ? fn->fn(argv) : receiver->host().Call(name, argv);
    if (!r.ok()) {
      At(&call_node);
      return Errorf("error calling " + name + ": " + std::string(r.status().message()));
    }
    if (r->kind() == Value::Kind::kString && r->AsString().size() > tmpl_.options_.max_output) {
      At(&call_node);
      return Errorf(fmt::format("{} returned more than the maximum output size ({} bytes)", name,
                                tmpl_.options_.max_output));
    }
    return r;
  }

  // Go's validateType: whether a computed value can be passed as `type`.
  Result<Value> ValidateType(const Value& value, std::string_view type) {
    if (type.empty() || type == "any") return value;
    if (value.is_nil()) {
      if (CanBeNil(type)) return value;
      return Errorf(fmt::format("invalid value; expected {}", type));
    }
    const std::string have = value.TypeName();
    if (have == type) return value;
    if (have.size() == type.size() + 1 && have[0] == '*' &&
        have.compare(1, type.size(), type) == 0) {
      return value;  // Go dereferences a *T passed as T
    }
    return Errorf(fmt::format("wrong type for value; expected {}; got {}", type, have));
  }

  // Go's evalArg: `type` "" means no type (a chain's receiver).
  Result<Value> EvalArg(const Value& dot, std::string_view type, const Node& n) {
    At(&n);
    switch (n.type) {
      case NodeType::kDot:
        return ValidateType(dot, type);
      case NodeType::kNil:
        if (type.empty() || CanBeNil(type)) return Value();
        return Errorf(fmt::format("cannot assign nil to {}", type));
      case NodeType::kField: {
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalFieldChain(dot, dot, n, n.ident, nullptr, nullptr));
        return ValidateType(v, type);
      }
      case NodeType::kVariable: {
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalVariable(dot, n, nullptr, nullptr));
        return ValidateType(v, type);
      }
      case NodeType::kPipe: {
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, &n));
        return ValidateType(v, type);
      }
      case NodeType::kIdentifier: {
        At(&n);
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalFunction(dot, n, n, nullptr, nullptr));
        return ValidateType(v, type);
      }
      case NodeType::kChain: {
        PROMKIT_ASSIGN_OR_RETURN(Value v, EvalChain(dot, n, nullptr, nullptr));
        return ValidateType(v, type);
      }
      default:
        break;
    }
    if (type == "bool") {
      if (n.type == NodeType::kBool) return Value(n.bool_val);
      return Errorf("expected bool; found " + internal::NodeString(n));
    }
    if (type == "float64") {
      if (n.type == NodeType::kNumber && n.is_float) return Value(n.float_val);
      return Errorf("expected float; found " + internal::NodeString(n));
    }
    if (type == "int") {
      if (n.type == NodeType::kNumber && n.is_int) return Value(n.int_val);
      return Errorf("expected integer; found " + internal::NodeString(n));
    }
    if (type == "string") {
      if (n.type == NodeType::kString) return Value(n.text);
      return Errorf("expected string; found " + internal::NodeString(n));
    }
    if (type == "any" || type.empty()) {
      switch (n.type) {
        case NodeType::kBool:
          return Value(n.bool_val);
        case NodeType::kNumber:
          return IdealConstant(n);
        case NodeType::kString:
          return Value(n.text);
        default:
          return Errorf("can't handle assignment of " + internal::NodeString(n) +
                        " to empty interface argument");
      }
    }
    return Errorf(fmt::format("can't handle {} for arg of type {}", internal::NodeString(n), type));
  }

  Status PrintValue(const Node& n, const Value& v) {
    At(&n);
    if (v.is_nil()) return Write("<no value>");
    if (v.kind() == Value::Kind::kString) return Write(v.AsString());
    return Write(v.Format());
  }

  const Template& tmpl_;
  std::string* out_;
  std::string tree_name_;
  std::vector<std::pair<std::string, Value>> vars_;
  const Node* node_ = nullptr;
  Flow flow_ = Flow::kNone;
  int depth_ = 0;
  int64_t steps_ = 0;
};

Template::Template(std::string name, FuncMap funcs, Options options)
    : name_(std::move(name)),
      funcs_(std::make_shared<FuncMap>(std::move(funcs))),
      options_(options) {}
Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

void Template::AddFuncs(const FuncMap& funcs) {
  for (const auto& [name, fn] : funcs) (*funcs_)[name] = fn;
}

Status Template::Parse(std::string_view text) { return ParseAs(name_, text); }

Status Template::ParseAs(std::string_view name, std::string_view text) {
  internal::ParseOptions po;
  const FuncMap* funcs = funcs_.get();
  po.has_function = [funcs](std::string_view name) {
    return funcs->find(name) != funcs->end() || Builtins().find(name) != Builtins().end();
  };
  po.max_depth = options_.max_parse_depth;
  PROMKIT_ASSIGN_OR_RETURN(std::vector<Tree> trees,
                           internal::ParseTrees(std::string(name), text, po));
  for (Tree& t : trees) {
    auto it = trees_.find(t.name);
    if (it != trees_.end() && internal::IsEmptyTree(t.root.get()) &&
        !internal::IsEmptyTree(it->second->root.get())) {
      continue;
    }
    std::string tree_name = t.name;
    trees_[tree_name] = std::make_shared<const Tree>(std::move(t));
  }
  return Status::Ok();
}

Status Template::Execute(const Value& data, std::string* out) const {
  auto it = trees_.find(name_);
  if (it == trees_.end()) {
    return Status::InvalidArgument(fmt::format(
        "template: {}: {} is an incomplete or empty template", name_, util::GoQuote(name_)));
  }
  Executor e(*this, out);
  return e.Run(*it->second, data);
}

Status Template::ExecuteTemplate(std::string_view name, const Value& data, std::string* out) const {
  auto it = trees_.find(name);
  if (it == trees_.end()) {
    return Status::InvalidArgument(
        fmt::format("template: no template {} associated with template {}", util::GoQuote(name),
                    util::GoQuote(name_)));
  }
  Executor e(*this, out);
  return e.Run(*it->second, data);
}

bool Template::Defined(std::string_view name) const { return trees_.find(name) != trees_.end(); }

std::string Template::DefinedTemplates() const {
  std::string out;
  for (const auto& [name, tree] : trees_) {
    out += out.empty() ? "; defined templates are: " : ", ";
    out += util::GoQuote(name);
  }
  return out;
}

}  // namespace promkit::tmpl
