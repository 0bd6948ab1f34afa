#include "app.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

namespace promkit::cli {

#ifndef PROMKIT_VERSION
#define PROMKIT_VERSION "0.0.0"
#endif

Mode ModeFromArgv0(std::string_view argv0) {
  size_t slash = argv0.rfind('/');
  std::string_view base = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  if (base == "promtool") return Mode::kPromtool;
  if (base == "amtool") return Mode::kAmtool;
  return Mode::kPromkit;
}

std::string UsageError(Mode mode, std::string_view msg) {
  return fmt::format("{}: error: {}, try --help\n", ProgramName(mode), msg);
}

std::string_view ProgramName(Mode mode) {
  switch (mode) {
    case Mode::kPromtool:
      return "promtool";
    case Mode::kAmtool:
      return "amtool";
    case Mode::kPromkit:
      break;
  }
  return "promkit";
}

namespace {

// Parent -> default child (kingpin's Default()). CLI11 apps have no user data slot; the tree
// lives for the whole run, so raw pointers are fine.
std::map<const CLI::App*, const CLI::App*>& DefaultSubcommands() {
  static std::map<const CLI::App*, const CLI::App*> defaults;
  return defaults;
}

const CLI::App* DefaultSubcommandOf(const CLI::App* parent) {
  auto it = DefaultSubcommands().find(parent);
  return it == DefaultSubcommands().end() ? nullptr : it->second;
}

}  // namespace

void SetDefaultSubcommand(CLI::App& parent, CLI::App& child) {
  DefaultSubcommands()[&parent] = &child;
}

std::string VersionText(Mode mode) {
  return fmt::format("{}, version {} (promkit)\n  compiler: {}\n  platform: linux/{}\n",
                     ProgramName(mode), PROMKIT_VERSION,
#if defined(__clang__)
                     fmt::format("clang {}.{}", __clang_major__, __clang_minor__),
#else
                     fmt::format("gcc {}.{}", __GNUC__, __GNUC_MINOR__),
#endif
#if defined(__x86_64__)
                     "amd64"
#elif defined(__aarch64__)
                     "arm64"
#else
                     "unknown"
#endif
  );
}

// ---------------------------------------------------------------------------------------------
// Describing the tree.

namespace {

bool IsHiddenGroup(const std::string& group) { return group.empty(); }

// Named, visible subcommands (CLI11 option groups are nameless subcommands).
std::vector<CLI::App*> VisibleSubcommands(CLI::App& app) {
  return app.get_subcommands(
      [](CLI::App* sub) { return !sub->get_name().empty() && !IsHiddenGroup(sub->get_group()); });
}

// All named subcommands, hidden ones included: those still run when named.
std::vector<CLI::App*> NamedSubcommands(CLI::App& app) {
  return app.get_subcommands([](CLI::App* sub) { return !sub->get_name().empty(); });
}

// Flags are CLI11 options expecting no values.
bool IsBooleanOption(const CLI::Option& opt) { return opt.get_items_expected_max() == 0; }

// kingpin prints durations unquoted (their Go type is not a string); our duration flags are
// strings, so recognise the shape: "30s", "1h30m", "5m".
bool LooksLikeDuration(const std::string& s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  size_t i = 0;
  while (i < s.size()) {
    size_t digits = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == digits) return false;
    size_t unit = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string u = s.substr(unit, i - unit);
    if (u != "ms" && u != "s" && u != "m" && u != "h" && u != "d" && u != "w" && u != "y") {
      return false;
    }
  }
  return true;
}

std::string GoQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Values of a CLI::IsMember (or CheckedTransformer) validator: its description is "{a,b,c}"
// (or "{a->x,b->y}" for maps).
std::vector<std::string> AllowedValues(CLI::Option& opt) {
  std::vector<std::string> out;
  for (int i = 0;; ++i) {
    CLI::Validator* v = nullptr;
    try {
      v = opt.get_validator(i);  // throws past the last one
    } catch (const CLI::OptionNotFound&) {
      break;
    }
    if (v == nullptr) break;
    std::string d = v->get_description();
    if (d.size() < 2 || d.front() != '{' || d.back() != '}') continue;
    std::string body = d.substr(1, d.size() - 2);
    size_t start = 0;
    while (start <= body.size()) {
      size_t comma = body.find(',', start);
      if (comma == std::string::npos) comma = body.size();
      std::string item = body.substr(start, comma - start);
      if (size_t arrow = item.find("->"); arrow != std::string::npos) item.resize(arrow);
      if (!item.empty()) out.push_back(item);
      start = comma + 1;
    }
    break;
  }
  return out;
}

FlagDoc DescribeFlag(CLI::Option& opt) {
  FlagDoc f;
  if (!opt.get_lnames().empty()) f.name = opt.get_lnames().front();
  if (!opt.get_snames().empty()) f.short_name = opt.get_snames().front().front();
  f.help = opt.get_description();
  f.boolean = IsBooleanOption(opt);
  f.required = opt.get_required();
  f.repeatable = !f.boolean && opt.get_items_expected_max() > 1;
  f.default_value = opt.get_default_str();
  f.allowed = AllowedValues(opt);
  if (!f.boolean) {
    if (opt.get_option_text() == kEmptyPlaceholder) {
      f.placeholder.clear();
    } else if (!opt.get_option_text().empty()) {
      f.placeholder = opt.get_option_text();
    } else if (!f.default_value.empty()) {
      bool text = opt.get_type_name().rfind("TEXT", 0) == 0;
      f.placeholder =
          text && !LooksLikeDuration(f.default_value) ? GoQuote(f.default_value) : f.default_value;
    } else {
      f.placeholder = Upper(f.name.empty() ? std::string(1, f.short_name) : f.name);
    }
  }
  return f;
}

void Describe(CLI::App& app, const std::string& full_name, bool root, CommandDoc& out) {
  out.name = app.get_name();
  out.full_name = full_name;
  out.help = app.get_description();
  const CLI::Option* help = app.get_help_ptr();
  const CLI::Option* help_all = app.get_help_all_ptr();
  for (CLI::Option* opt : app.get_options()) {
    if (IsHiddenGroup(opt->get_group()) || opt == help_all) continue;
    if (opt == help && !root) continue;  // inherited from the root, listed there
    if (opt->nonpositional()) {
      out.flags.push_back(DescribeFlag(*opt));
    } else if (opt->get_positional()) {
      ArgDoc a;
      a.name = opt->get_name(true);
      a.help = opt->get_description();
      a.required = opt->get_required();
      a.repeatable = opt->get_items_expected_max() > 1;
      out.args.push_back(a);
    }
  }
  for (CLI::App* sub : VisibleSubcommands(app)) {
    CommandDoc child;
    Describe(*sub, full_name.empty() ? sub->get_name() : full_name + " " + sub->get_name(), false,
             child);
    child.default_command = DefaultSubcommandOf(&app) == sub;
    out.commands.push_back(std::move(child));
  }
}

}  // namespace

CommandDoc DescribeApp(CLI::App& app) {
  CommandDoc doc;
  Describe(app, "", true, doc);
  return doc;
}

// ---------------------------------------------------------------------------------------------
// kingpin-style help text.

namespace {

// Help and version cannot be negated; every other boolean flag reads --[no-]name in kingpin 2.4.
bool Negatable(const FlagDoc& f) {
  return f.boolean && !f.name.empty() && f.name != "help" && f.name != "version";
}

std::string FlagSummary(const CommandDoc& cmd) {
  std::vector<std::string> parts;
  size_t counted = 0;
  for (const FlagDoc& f : cmd.flags) {
    if (f.name == "help") continue;
    ++counted;
    if (!f.required) continue;
    parts.push_back(f.boolean ? "--[no-]" + f.name : "--" + f.name + "=" + f.placeholder);
  }
  if (counted != parts.size()) parts.push_back("[<flags>]");
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// Greedy word wrap of one paragraph into lines of at most `width` characters (longer words stay
// whole). kingpin's go/doc wrapping balances lines instead; the words and breaks at paragraph
// boundaries are the same.
void WrapParagraph(const std::string& text, size_t width, std::vector<std::string>& lines) {
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) break;
    std::string word = text.substr(start, i - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
}

// Paragraphs (separated by blank lines) wrapped to `width`, separated by one empty line;
// indented paragraphs are kept as written.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> para;
    const std::string chunk = text.substr(start, end - start);
    if (!chunk.empty() && chunk[0] == ' ') {
      // An indented paragraph is preformatted (as go/doc treats indented blocks): kept verbatim.
      for (size_t b = 0; b <= chunk.size();) {
        size_t e = chunk.find('\n', b);
        if (e == std::string::npos) e = chunk.size();
        para.push_back(chunk.substr(b, e - b));
        b = e + 1;
      }
    } else {
      WrapParagraph(chunk, std::max<size_t>(width, 1), para);
    }
    if (!para.empty()) {
      if (!lines.empty()) lines.emplace_back();
      lines.insert(lines.end(), para.begin(), para.end());
    }
    start = end + 2;
  }
  return lines;
}

std::string WrapIndented(const std::string& text, size_t indent, size_t width) {
  std::string out;
  std::string pad(indent, ' ');
  for (const std::string& line : Wrap(text, width > indent ? width - indent : 1)) {
    out += line.empty() ? "\n" : pad + line + "\n";
  }
  return out;
}

// kingpin's two-column layout: the left column is as wide as its widest entry under 30
// characters; a longer entry puts its text on the next line.
std::string TwoColumns(const std::vector<std::pair<std::string, std::string>>& rows, size_t indent,
                       size_t padding, size_t width) {
  size_t left = 0;
  for (const auto& [l, r] : rows) {
    if (l.size() > left && l.size() < 30) left = l.size();
  }
  std::string ind(indent, ' ');
  std::string offset(left + padding, ' ');
  size_t text_width = width > left + padding + indent ? width - left - padding - indent : 1;
  std::string out;
  for (const auto& [l, r] : rows) {
    std::vector<std::string> lines = Wrap(r, text_width);
    if (lines.empty()) lines.emplace_back();
    out += ind + l + std::string(left > l.size() ? left - l.size() : 0, ' ') +
           std::string(padding, ' ');
    if (l.size() >= 30) out += "\n" + ind + offset;
    out += lines[0] + "\n";
    for (size_t i = 1; i < lines.size(); ++i) {
      out += lines[i].empty() ? "\n" : ind + offset + lines[i] + "\n";
    }
  }
  return out;
}

std::string FormatFlag(const FlagDoc& f, bool have_short) {
  std::string name = Negatable(f) ? "[no-]" + f.name : f.name;
  std::string s;
  if (f.short_name != '\0' && !f.name.empty()) {
    s = fmt::format("-{}, --{}", f.short_name, name);
  } else if (f.short_name != '\0') {
    s = fmt::format("-{}", f.short_name);
  } else {
    s = (have_short ? "    --" : "--") + name;
  }
  if (!f.boolean) s += "=" + f.placeholder;
  if (f.repeatable) s += " ...";
  return s;
}

std::string FlagsColumns(const std::vector<const FlagDoc*>& flags, size_t indent, size_t width) {
  bool have_short = std::any_of(flags.begin(), flags.end(),
                                [](const FlagDoc* f) { return f->short_name != '\0'; });
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagDoc* f : flags) rows.emplace_back(FormatFlag(*f, have_short), f->help);
  return TwoColumns(rows, indent, 2, width);
}

std::string ArgSummary(const CommandDoc& cmd) {
  std::string out;
  for (const ArgDoc& a : cmd.args) {
    std::string s = "<" + a.name + ">" + (a.repeatable ? "..." : "");
    out += " " + (a.required ? s : "[" + s + "]");
  }
  return out;
}

// Leaf commands under `cmd`, depth first (kingpin's FlattenedCommands).
void Leaves(const CommandDoc& cmd, std::vector<const CommandDoc*>& out) {
  for (const CommandDoc& sub : cmd.commands) {
    if (sub.commands.empty()) {
      out.push_back(&sub);
    } else {
      Leaves(sub, out);
    }
  }
}

std::string CommandsList(const CommandDoc& cmd, size_t width, bool with_flags) {
  std::vector<const CommandDoc*> leaves;
  Leaves(cmd, leaves);
  std::string out;
  for (const CommandDoc* leaf : leaves) {
    std::string summary = CommandSummary(*leaf);
    out += leaf->full_name + (leaf->default_command ? "*" : "") +
           (summary.empty() ? "" : " " + summary) + "\n";
    out += WrapIndented(leaf->help, 4, width);
    if (with_flags) {
      std::vector<const FlagDoc*> flags;
      for (const FlagDoc& f : leaf->flags) flags.push_back(&f);
      out += "\n";
      if (!flags.empty()) out += FlagsColumns(flags, 4, width);
    }
    out += "\n";
  }
  return out;
}

size_t TerminalWidth() {
  if (const char* cols = std::getenv("COLUMNS"); cols != nullptr && *cols != '\0') {
    char* end = nullptr;
    long n = std::strtol(cols, &end, 10);
    if (*end == '\0' && n > 0) return static_cast<size_t>(n);
  }
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

// Help for the command at the end of `path` (path[0] is the root).
std::string RenderHelp(const std::vector<const CommandDoc*>& path, size_t width) {
  const CommandDoc& root = *path.front();
  const CommandDoc& cmd = *path.back();
  std::string out = "usage: " + root.name;
  if (path.size() > 1) out += " " + cmd.full_name;
  std::string summary = CommandSummary(cmd);
  if (!summary.empty()) out += " " + summary;
  if (!cmd.commands.empty()) out += " <command> [<args> ...]";
  out += "\n\n";
  if (!cmd.help.empty()) out += WrapIndented(cmd.help, 0, width) + "\n";
  std::vector<const FlagDoc*> flags;
  for (const CommandDoc* c : path) {
    for (const FlagDoc& f : c->flags) flags.push_back(&f);
  }
  if (!flags.empty()) out += "Flags:\n" + FlagsColumns(flags, 2, width) + "\n";
  if (!cmd.args.empty()) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const ArgDoc& a : cmd.args) rows.emplace_back("<" + a.name + ">", a.help);
    out += "Args:\n" + TwoColumns(rows, 2, 2, width) + "\n";
  }
  if (!cmd.commands.empty()) {
    out += (path.size() > 1 ? "Subcommands:\n" : "Commands:\n") + CommandsList(cmd, width, false) +
           "\n";
  }
  return out;
}

// --help-long: the root's help with every command's own flags listed under it.
std::string RenderLongHelp(const CommandDoc& root, size_t width) {
  std::string out = "usage: " + root.name;
  std::string summary = CommandSummary(root);
  if (!summary.empty()) out += " " + summary;
  out += " <command> [<args> ...]\n\n";
  if (!root.help.empty()) out += WrapIndented(root.help, 0, width) + "\n";
  std::vector<const FlagDoc*> flags;
  for (const FlagDoc& f : root.flags) flags.push_back(&f);
  if (!flags.empty()) out += "Flags:\n" + FlagsColumns(flags, 2, width) + "\n";
  out += "Commands:\n" + CommandsList(root, width, true) + "\n";
  return out;
}

}  // namespace

std::string CommandSummary(const CommandDoc& cmd) {
  std::string flags = FlagSummary(cmd);
  std::string args = ArgSummary(cmd);
  if (flags.empty()) return args.empty() ? "" : args.substr(1);
  return flags + args;
}

// ---------------------------------------------------------------------------------------------
// Parsing the way kingpin does. CLI11 alone differs from kingpin in what it accepts and how it
// words errors, so a first pass walks argv over the CLI11 tree with kingpin's rules (flags of
// the commands selected so far, "--" ends flags, a command with subcommands takes no arguments,
// --no-<flag> negates a boolean) and either answers help/version/an error itself or hands CLI11 a
// normalized argv that it parses to fill the values and run the callbacks.

namespace {

struct Walk {
  enum class Outcome { kRun, kHelp, kHelpLong, kHelpMan, kVersion, kUsage, kError };
  Outcome outcome = Outcome::kRun;
  std::vector<CLI::App*> path;
  std::string error;
  // Normalized for CLI11: commands and flags in order, then "--" and the arguments, which all
  // belong to the selected command (kingpin gives commands with subcommands no arguments).
  // The "--" keeps CLI11 from taking an argument that names a command for that command.
  std::vector<std::string> args;
  std::vector<std::string> positionals;
};

CLI::Option* FindLong(const std::vector<CLI::App*>& path, const std::string& name) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    for (CLI::Option* opt : (*it)->get_options()) {
      const auto& names = opt->get_lnames();
      if (std::find(names.begin(), names.end(), name) != names.end()) return opt;
    }
  }
  return nullptr;
}

CLI::Option* FindShort(const std::vector<CLI::App*>& path, char c) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    for (CLI::Option* opt : (*it)->get_options()) {
      for (const std::string& s : opt->get_snames()) {
        if (s.size() == 1 && s[0] == c) return opt;
      }
    }
  }
  return nullptr;
}

CLI::App* FindSubcommand(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : NamedSubcommands(app)) {
    if (sub->check_name(name)) return sub;
  }
  return nullptr;
}

std::vector<CLI::Option*> Positionals(CLI::App& app) {
  std::vector<CLI::Option*> out;
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_positional() && !opt->nonpositional()) out.push_back(opt);
  }
  return out;
}

struct SpecialFlags {
  const CLI::Option* version = nullptr;
  const CLI::Option* help_man = nullptr;
};

Walk WalkArgs(CLI::App& root, const SpecialFlags& special, const std::vector<std::string>& argv) {
  Walk w;
  w.path.push_back(&root);
  bool help = false, help_long = false, help_man = false, version = false;
  bool flags_done = false;
  std::vector<const CLI::Option*> seen;
  std::vector<CLI::Option*> positionals = Positionals(root);
  size_t pos_index = 0;  // into positionals
  size_t pos_fill = 0;   // values given to positionals[pos_index]

  auto fail = [&w](std::string msg) {
    w.outcome = Walk::Outcome::kError;
    w.error = std::move(msg);
    return w;
  };
  // Returns true when `opt` is one of the flags answered here rather than by a command.
  auto special_flag = [&](const CLI::Option* opt) {
    for (CLI::App* c : w.path) {
      if (opt == c->get_help_ptr()) return help = true;
      if (opt == c->get_help_all_ptr()) return help_long = true;
    }
    if (opt == special.version) return version = true;
    if (opt == special.help_man) return help_man = true;
    return false;
  };

  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& t = argv[i];
    if (!flags_done && t == "--") {
      flags_done = true;
      continue;
    }
    if (!flags_done && t.size() > 2 && t.compare(0, 2, "--") == 0) {
      size_t eq = t.find('=');
      std::string name = t.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      CLI::Option* opt = FindLong(w.path, name);
      if (opt == nullptr && name.compare(0, 3, "no-") == 0 && eq == std::string::npos) {
        CLI::Option* neg = FindLong(w.path, name.substr(3));
        if (neg != nullptr && IsBooleanOption(*neg) && !special_flag(neg)) {
          seen.push_back(neg);
          w.args.push_back("--" + name.substr(3) + "=false");
          continue;
        }
      }
      if (opt == nullptr) return fail("unknown long flag '--" + name + "'");
      if (special_flag(opt)) continue;
      seen.push_back(opt);
      if (IsBooleanOption(*opt) || eq != std::string::npos) {
        w.args.push_back(t);
        continue;
      }
      if (i + 1 >= argv.size()) return fail("expected argument for flag '--" + name + "'");
      w.args.push_back("--" + name + "=" + argv[++i]);
      continue;
    }
    if (!flags_done && t.size() > 1 && t[0] == '-') {
      for (size_t j = 1; j < t.size(); ++j) {
        CLI::Option* opt = FindShort(w.path, t[j]);
        if (opt == nullptr) return fail(fmt::format("unknown short flag '-{}'", t[j]));
        if (special_flag(opt)) continue;
        seen.push_back(opt);
        std::string spelled =
            opt->get_lnames().empty() ? fmt::format("-{}", t[j]) : "--" + opt->get_lnames().front();
        if (IsBooleanOption(*opt)) {
          w.args.push_back(spelled);
          continue;
        }
        std::string value;
        if (j + 1 < t.size()) {
          value = t.substr(j + 1);
        } else if (i + 1 < argv.size()) {
          value = argv[++i];
        } else {
          return fail(fmt::format("expected argument for flag '-{}'", t[j]));
        }
        w.args.push_back(opt->get_lnames().empty() ? spelled + value : spelled + "=" + value);
        break;
      }
      continue;
    }
    if (t == "-" && !flags_done) {
      return fail("unknown short flag '-'");
    }
    // A command or an argument.
    CLI::App* cur = w.path.back();
    if (!NamedSubcommands(*cur).empty() && pos_index == 0 && pos_fill == 0) {
      CLI::App* sub = FindSubcommand(*cur, t);
      const CLI::App* def = DefaultSubcommandOf(cur);
      if (sub == nullptr && def != nullptr && !Positionals(*const_cast<CLI::App*>(def)).empty()) {
        // kingpin selects the default command, whose argument this is (`amtool alert foo`).
        sub = const_cast<CLI::App*>(def);
        w.path.push_back(sub);
        w.args.push_back(sub->get_name());
        positionals = Positionals(*sub);
        pos_index = 0;
        pos_fill = 0;
      } else {
        if (sub == nullptr) return fail("expected command but got \"" + t + "\"");
        w.path.push_back(sub);
        w.args.push_back(t);
        positionals = Positionals(*sub);
        pos_index = 0;
        pos_fill = 0;
        continue;
      }
    }
    while (pos_index < positionals.size()) {
      int max = positionals[pos_index]->get_items_expected_max();
      if (static_cast<int>(pos_fill) < std::max(max, 1)) break;
      ++pos_index;
      pos_fill = 0;
    }
    if (pos_index >= positionals.size()) return fail("unexpected " + t);
    ++pos_fill;
    w.positionals.push_back(t);
  }

  if (version) {
    w.outcome = Walk::Outcome::kVersion;
  } else if (help_man) {
    w.outcome = Walk::Outcome::kHelpMan;
  } else if (help_long) {
    w.outcome = Walk::Outcome::kHelpLong;
  } else if (help) {
    w.outcome = Walk::Outcome::kHelp;
  } else if (const CLI::App* def = DefaultSubcommandOf(w.path.back());
             def != nullptr && w.positionals.empty()) {
    // kingpin descends into the default subcommand; its own required flags and arguments are
    // then checked when CLI11 parses.
    CLI::App* child = const_cast<CLI::App*>(def);
    w.path.push_back(child);
    w.args.push_back(child->get_name());
  } else if (!VisibleSubcommands(*w.path.back()).empty()) {
    if (w.path.size() == 1) {
      w.outcome = Walk::Outcome::kUsage;
    } else {
      std::string full;
      for (size_t i = 1; i < w.path.size(); ++i) full += (i > 1 ? " " : "") + w.path[i]->get_name();
      return fail("must select a subcommand of '" + full + "'");
    }
  } else {
    for (CLI::App* c : w.path) {
      for (CLI::Option* opt : c->get_options()) {
        if (!opt->nonpositional() || !opt->get_required()) continue;
        if (std::find(seen.begin(), seen.end(), opt) != seen.end()) continue;
        return fail(
            "required flag --" +
            (opt->get_lnames().empty() ? opt->get_snames().front() : opt->get_lnames().front()) +
            " not provided");
      }
    }
    // Short of arguments, required positionals are filled first (as CLI11 assigns them), so an
    // optional one may precede a required one ("[<server>] <expr>"). kingpin puts required
    // arguments first, where this is the same as filling in order.
    size_t left = w.positionals.size();
    for (CLI::Option* p : positionals) {
      if (!p->get_required()) continue;
      if (left == 0) return fail("required argument '" + p->get_name(true) + "' not provided");
      --left;
    }
  }
  return w;
}

// Path of CommandDoc nodes matching the CLI11 path (by name, from the root).
std::vector<const CommandDoc*> DocPath(const CommandDoc& root,
                                       const std::vector<std::string>& names) {
  std::vector<const CommandDoc*> path = {&root};
  for (const std::string& n : names) {
    const CommandDoc* next = nullptr;
    for (const CommandDoc& c : path.back()->commands) {
      if (c.name == n) next = &c;
    }
    if (next == nullptr) break;  // a hidden command: show its nearest visible ancestor
    path.push_back(next);
  }
  return path;
}

std::string ErrorLine(Mode mode, const std::string& message, bool try_help) {
  // amtool reports every parse error through kingpin.Fatalf("%v\n"): no hint, a blank line.
  if (mode == Mode::kAmtool) return fmt::format("amtool: error: {}\n\n", message);
  return fmt::format("{}: error: {}{}\n", ProgramName(mode), message,
                     try_help ? ", try --help" : "");
}

}  // namespace

namespace {

void RegisterFamilies(CLI::App& app, Mode mode, int* exit_code) {
  RegisterCheck(app, mode, exit_code);
  if (mode == Mode::kPromkit) RegisterScrape(app, mode, exit_code);
  RegisterQuery(app, mode, exit_code);
  RegisterRepl(app, mode, exit_code);
  RegisterTest(app, mode, exit_code);
  RegisterTsdb(app, mode, exit_code);
  RegisterPromql(app, mode, exit_code);
  if (mode == Mode::kPromkit) RegisterAm(app, mode, exit_code);
  RegisterDocs(app, mode, exit_code);
  RegisterEnableFeature(app, mode);
}

}  // namespace

void BuildApp(CLI::App& app, Mode mode, int* exit_code) {
  if (mode == Mode::kPromtool) {
    app.description("Tooling for the Prometheus monitoring system.");
  } else if (mode == Mode::kAmtool) {
    app.description(
        "View and modify the current Alertmanager state.\n\nInvoked as amtool, promkit answers "
        "amtool's commands: alert, silence, cluster and config show against a running "
        "Alertmanager (API v2), and check-config, config routes show|test and template render. "
        "Alertmanager configs are read as current upstream Alertmanager reads them. Flags not "
        "given default to the values in $HOME/.config/amtool/config.yml or "
        "/etc/amtool/config.yml (YAML, flag names as keys: alertmanager.url, author, "
        "require-comment, output, date.format, http.config.file, ...).");
  } else {
    app.description(
        "Prometheus's toolkit in one binary: lint metrics and configs, scrape targets, and more. "
        "Invoked as 'promtool' it answers promtool's command tree, as 'amtool' amtool's.");
  }
  app.name(std::string(ProgramName(mode)));
  // Parent flags stay valid after a subcommand, as in kingpin; inherited by every subcommand.
  app.fallthrough();
  app.set_help_flag("-h,--help",
                    "Show context-sensitive help (also try --help-long and --help-man).");
  app.set_help_all_flag("--help-long", "Show help for all commands.");
  app.add_flag("--help-man")->description("Print a man page of all commands.")->group("");
  app.add_flag("--version")->description("Show application version.");

  CLI::App* help = app.add_subcommand("help", "Show help.");
  auto words = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *words, "Show help on command.");
  help->callback([&app, words, mode, exit_code] {
    CommandDoc root = DescribeApp(app);
    std::vector<const CommandDoc*> path = {&root};
    for (const std::string& w : *words) {
      const CommandDoc* next = nullptr;
      for (const CommandDoc& c : path.back()->commands) {
        if (c.name == w) next = &c;
      }
      if (next == nullptr) {
        std::fputs(ErrorLine(mode, "expected command but got \"" + w + "\"", false).c_str(),
                   stderr);
        *exit_code = kExitFailure;
        return;
      }
      path.push_back(next);
    }
    std::fputs(RenderHelp(path, TerminalWidth()).c_str(), stdout);
    *exit_code = kExitOk;
  });

  if (mode == Mode::kAmtool) {
    RegisterAm(app, mode, exit_code);
  } else {
    RegisterFamilies(app, mode, exit_code);
  }

  // Families may have created subcommands before fallthrough was set on them; make it uniform.
  std::function<void(CLI::App&)> fall = [&fall](CLI::App& a) {
    for (CLI::App* sub : a.get_subcommands([](CLI::App*) { return true; })) {
      sub->fallthrough();
      fall(*sub);
    }
  };
  fall(app);
}

int Run(int argc, char** argv) {
  Mode mode = ModeFromArgv0(argc > 0 ? argv[0] : "promkit");
  CLI::App app;
  int exit_code = kExitOk;
  BuildApp(app, mode, &exit_code);

  SpecialFlags special;
  special.version = app.get_option_no_throw("--version");
  special.help_man = app.get_option_no_throw("--help-man");
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  Walk w = WalkArgs(app, special, args);
  switch (w.outcome) {
    case Walk::Outcome::kError:
      std::fputs(ErrorLine(mode, w.error, true).c_str(), stderr);
      return kExitFailure;
    case Walk::Outcome::kVersion:
      std::fputs(VersionText(mode).c_str(), stdout);
      return kExitOk;
    case Walk::Outcome::kHelpMan:
      std::fputs(RenderFullManPage(DescribeApp(app), mode).c_str(), stdout);
      return kExitOk;
    case Walk::Outcome::kHelpLong:
      std::fputs(RenderLongHelp(DescribeApp(app), TerminalWidth()).c_str(), stdout);
      return kExitOk;
    case Walk::Outcome::kHelp:
    case Walk::Outcome::kUsage: {
      CommandDoc root = DescribeApp(app);
      std::vector<std::string> names;
      for (size_t i = 1; i < w.path.size(); ++i) names.push_back(w.path[i]->get_name());
      std::fputs(RenderHelp(DocPath(root, names), TerminalWidth()).c_str(), stdout);
      return kExitOk;
    }
    case Walk::Outcome::kRun:
      break;
  }

  if (!w.positionals.empty()) {
    w.args.push_back("--");
    w.args.insert(w.args.end(), w.positionals.begin(), w.positionals.end());
  }
  std::reverse(w.args.begin(), w.args.end());  // CLI11 consumes a reversed vector
  try {
    app.parse(std::move(w.args));
  } catch (const CLI::Success&) {
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // What the walk above lets through: values CLI11 rejects (conversions, validators).
    std::fputs(ErrorLine(mode, e.what(), true).c_str(), stderr);
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace promkit::cli
