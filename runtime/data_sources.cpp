#include "runtime/data_sources.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "runtime/rng.h"

namespace nnc::rt {
namespace {

namespace fs = std::filesystem;

const char* const kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// "0-4", "5,7,9", "0-2,8": a set of class labels.
std::vector<bool> parse_classes(const std::string& text, int64_t classes) {
  std::vector<bool> keep(size_t(std::max<int64_t>(classes, 0)), false);
  std::stringstream in(text);
  std::string part;
  auto bad = [&]() {
    return DataError("--classes '" + text + "': give class labels in [0, " + std::to_string(classes) +
                     ") as a list or ranges, such as 0-4 or 1,3,5");
  };
  while (std::getline(in, part, ',')) {
    size_t dash = part.find('-');
    char* end = nullptr;
    long lo = std::strtol(part.c_str(), &end, 10), hi = lo;
    if (end == part.c_str()) throw bad();
    if (dash != std::string::npos) hi = std::strtol(part.c_str() + dash + 1, &end, 10);
    if (*end != '\0' || lo < 0 || hi < lo || hi >= classes) throw bad();
    for (long k = lo; k <= hi; ++k) keep[size_t(k)] = true;
  }
  return keep;
}

}  // namespace

namespace {

Dataset read_source(const ModelInfo& info, const std::string& source, const std::string& split) {
  if (source.rfind("builtin.", 0) == 0) return builtin_dataset(source.substr(8));
  if (source == "fashion_mnist") return load_idx_dir(kFashionMnistDir, split);
  if (fs::is_directory(source)) return load_idx_dir(source, split);
  const int64_t target_width =
      info.target_is_input ? 0 : info.classes > 0 ? 1 : elements(info.target_dims, info.target_rank);
  return load_csv(source, elements(info.input_dims, info.input_rank), target_width, info.classes > 0);
}

}  // namespace

// A data source: builtin.NAME, fashion_mnist, a directory of IDX files, or a
// CSV file. An autoencoder's (target x) targets are its inputs as read; a
// set's class labels stay, for --classes.
Dataset load_source(const ModelInfo& info, const std::string& source, const std::string& split) {
  Dataset d = read_source(info, source, split);
  if (info.target_is_input) {
    d.class_targets = false;
    d.target_width = d.sample_size();
    d.targets = d.inputs;
  }
  return d;
}

bool has_test_split(const std::string& source) { return source == "fashion_mnist" || fs::is_directory(source); }

Dataset filtered(const ModelInfo& info, Dataset d, const DataOptions& o) {
  if (!o.classes.empty()) {
    if (d.labels.empty()) throw DataError("--classes needs class labels; " + d.source + " has value targets");
    // An autoencoder's data keeps its labels without the model knowing them.
    const int64_t classes = info.target_is_input ? 1 + *std::max_element(d.labels.begin(), d.labels.end())
                                                 : info.classes;
    if (!info.target_is_input) check_labels(d, classes);  // before a label indexes `keep`
    std::vector<bool> keep = parse_classes(o.classes, classes);
    std::vector<int64_t> index;
    for (int64_t s = 0; s < d.count; ++s)
      if (keep[size_t(d.labels[size_t(s)])]) index.push_back(s);
    d = subset(d, index, " (classes " + o.classes + ")");
    if (d.count == 0) throw DataError(d.source + ": no samples of classes " + o.classes);
  }
  if (o.limit > 0 && o.limit < d.count) {
    std::vector<int64_t> index(size_t(o.limit));
    std::iota(index.begin(), index.end(), 0);
    d = subset(d, index, " (first " + std::to_string(o.limit) + ")");
  }
  return d;
}

std::pair<Dataset, std::optional<Dataset>> training_data(const ModelInfo& info, const std::string& source,
                                                         const std::string& val_source, const DataOptions& o,
                                                         uint64_t seed) {
  Dataset train = filtered(info, load_source(info, source, "train"), o);
  if (o.random_labels) {
    if (!train.class_targets) throw DataError("--random-labels needs class labels; " + train.source + " has value targets");
    Rng rng(seed ^ 0x5bd1e995ull);
    for (int32_t& label : train.labels) label = int32_t(rng.below(uint64_t(info.classes)));
    train.source += " (random labels)";
  }
  std::optional<Dataset> validation;
  if (val_source.empty()) return {std::move(train), std::move(validation)};
  char* end = nullptr;
  const double fraction = std::strtod(val_source.c_str(), &end);
  if (end != val_source.c_str() && *end == '\0') {
    if (!(fraction > 0 && fraction < 1))
      throw DataError("--val " + val_source + ": a validation fraction lies in (0, 1), such as 0.1");
    std::vector<int64_t> index(size_t(train.count));
    std::iota(index.begin(), index.end(), 0);
    Rng rng(seed ^ 0x1b873593ull);
    rng.shuffle(index);
    const int64_t held = std::max<int64_t>(1, int64_t(fraction * double(train.count)));
    if (held >= train.count) throw DataError("--val " + val_source + " leaves no training data of " + train.source);
    std::vector<int64_t> val_index(index.end() - held, index.end()), train_index(index.begin(), index.end() - held);
    std::sort(val_index.begin(), val_index.end());
    std::sort(train_index.begin(), train_index.end());
    validation = subset(train, val_index, " (validation " + val_source + ")");
    train = subset(train, train_index, " (training " + std::to_string(train_index.size()) + ")");
  } else {
    if (has_test_split(val_source))
      throw DataError("--val " + val_source + ": a data set with a test split would validate on its test set; "
                      "give a fraction of the training data (0.1) or a file of its own");
    validation = filtered(info, load_source(info, val_source, "test"), o);
  }
  return {std::move(train), std::move(validation)};
}

}  // namespace nnc::rt
