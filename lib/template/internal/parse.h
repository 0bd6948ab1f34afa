#pragma once
// The syntax tree of Go's text/template and its parser (text/template/parse): lexing, actions,
// pipelines, control structures, define/block, trim markers, comments. Parse errors are Go's,
// word for word: "template: <name>:<line>: <message>".
// Thread-safety: a parsed tree is immutable and may be executed from many threads.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::tmpl::internal {

using util::Result;
using util::Status;

// The text one Parse call read; nodes point into it for error positions.
struct Source {
  std::string parse_name;
  std::string text;
};

enum class NodeType : uint8_t {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kComment,
  kBreak,
  kContinue,
  kEnd,   // parser-internal: {{end}}
  kElse,  // parser-internal: {{else}}
};

// One node; which members are used depends on `type` (one struct keeps the parser short).
struct Node {
  NodeType type;
  size_t pos = 0;  // byte offset in src->text
  int line = 0;
  const Source* src = nullptr;

  std::string text;                // kText, kString (unquoted), kNumber, kIdentifier, kTemplate
  std::string quoted;              // kString: as written
  std::vector<std::string> ident;  // kField, kVariable; kChain: the fields
  bool bool_val = false;           // kBool

  // kNumber: what the constant can be, as Go's NumberNode.
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int_val = 0;
  uint64_t uint_val = 0;
  double float_val = 0;

  bool is_assign = false;                    // kPipe
  std::vector<std::unique_ptr<Node>> decl;   // kPipe: declared variables
  std::vector<std::unique_ptr<Node>> nodes;  // kList items, kPipe commands, kCommand arguments
  std::unique_ptr<Node> pipe;                // kAction, kIf, kRange, kWith, kTemplate (may be null)
  std::unique_ptr<Node> list, else_list;     // kIf, kRange, kWith
  std::unique_ptr<Node> chained;             // kChain: the term the fields apply to
};

struct Tree {
  std::string name;
  std::unique_ptr<Node> root;
  std::shared_ptr<const Source> src;
};

struct ParseOptions {
  // Whether an identifier names a function (FuncMap or builtin).
  std::function<bool(std::string_view)> has_function;
  // Nesting limit for control structures and parentheses, so deep input cannot exhaust the
  // stack (Go has none; its stacks grow).
  int max_depth = 1000;
};

// Parses `text` as template `name`: the first tree is `name`'s, then one per define/block.
Result<std::vector<Tree>> ParseTrees(std::string_view name, std::string_view text,
                                     const ParseOptions& options);

// Go's parse.IsEmptyTree: only whitespace text and comments.
bool IsEmptyTree(const Node* n);
// Go's Node.String(), as exec errors quote the failing node.
std::string NodeString(const Node& n);
void AppendNodeString(const Node& n, std::string& out);
// Go's Tree.ErrorContext: "name:line:col" of the node (col as Go counts it).
std::string NodeLocation(const Node& n);

}  // namespace promkit::tmpl::internal
