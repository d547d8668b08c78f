// Module loading: the main .nn file and, transitively, its imports, each
// parsed once. An import is a path relative to the importing file, else a
// module name (a.b is a/b.nn) looked up next to it and on the search path
// (stdlib/ first). Import cycles are harmless: a file already loaded is skipped.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"

namespace nnc {
namespace fs = std::filesystem;

// The largest .nn file (docs/language.md, "Limits"): a thousand times a
// large hand-written model, and small enough to parse in a second or two.
// Past it, most likely a data file was passed by mistake.
constexpr uintmax_t kMaxFileBytes = 8 << 20;

static std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

static std::string resolve_import(const ast::Import& imp, const std::string& from_file,
                                  const std::vector<std::string>& search_path) {
  std::vector<fs::path> candidates;
  fs::path target = imp.target;
  if (target.extension() != ".nn") {
    // A module name: a.b means a/b.nn on the search path.
    std::string rel = imp.target;
    for (char& c : rel)
      if (c == '.') c = '/';
    target = rel + ".nn";
  }
  candidates.push_back(fs::path(from_file).parent_path() / target);
  for (const std::string& dir : search_path) candidates.push_back(fs::path(dir) / target);
  for (const fs::path& c : candidates)
    if (fs::is_regular_file(c)) return c.lexically_normal().string();
  return "";
}

std::optional<std::vector<ast::Module>> load_modules(const std::string& file, const SemaOptions& options,
                                                     Diagnostics& diags) {
  std::vector<ast::Module> modules;
  std::set<std::string> loaded;
  std::vector<std::pair<std::string, SourceLoc>> pending{{file, SourceLoc{file, 0, 0}}};
  bool ok = true;
  while (!pending.empty()) {
    auto [path, imported_at] = pending.front();
    pending.erase(pending.begin());
    std::string key = fs::weakly_canonical(path).string();
    if (!loaded.insert(key).second) continue;
    std::error_code size_error;
    const uintmax_t size = fs::file_size(path, size_error);
    if (!size_error && size > kMaxFileBytes) {
      diags.error(imported_at.valid() ? imported_at : SourceLoc{path, 0, 0},
                  "'" + path + "' is " + std::to_string(size) + " bytes; a .nn file holds at most " +
                      std::to_string(kMaxFileBytes) + " (is it a .nn file?)");
      ok = false;
      continue;
    }
    std::optional<std::string> text = read_file(path);
    if (!text) {
      diags.error(imported_at.valid() ? imported_at : SourceLoc{path, 0, 0},
                  "cannot read '" + path + "': " + std::strerror(errno));
      ok = false;
      continue;
    }
    std::optional<ast::Module> m = parse_module(path, *text, diags);
    if (!m) {
      ok = false;
      continue;
    }
    for (const ast::Import& imp : m->imports) {
      std::string found = resolve_import(imp, path, options.search_path);
      if (found.empty()) {
        diags.error(imp.loc, "cannot find module '" + imp.target +
                                 "'; looked next to this file and in the stdlib (add a directory with -I DIR)");
        ok = false;
      } else {
        pending.push_back({found, imp.loc});
      }
    }
    modules.push_back(std::move(*m));
  }
  if (!ok) return std::nullopt;
  return modules;
}

}  // namespace nnc
