// Where the program's data comes from: a data source named on the command
// line or in the train section (builtin.NAME, fashion_mnist, a directory of
// IDX files, a CSV file), the filters of --classes, --limit and
// --random-labels, and the validation split.
#pragma once
#include <optional>
#include <string>
#include <utility>

#include "runtime/dataset.h"
#include "runtime/model.h"

namespace nnc::rt {

// A data source's split ("train" or "test"; a CSV file has one set only).
Dataset load_source(const ModelInfo& info, const std::string& source, const std::string& split);
bool has_test_split(const std::string& source);

// The data options train, eval and tune share.
struct DataOptions {
  std::string classes;  // keep only these classes
  int64_t limit = 0;    // keep the first N samples (after the class filter)
  bool random_labels = false;
};

Dataset filtered(const ModelInfo& info, Dataset d, const DataOptions& o);

// The training data, and the validation data of `val_source` (--val): a
// seeded random fraction of the training data ("0.1", held out of it), or
// another source, never a test split; "": none.
std::pair<Dataset, std::optional<Dataset>> training_data(const ModelInfo& info, const std::string& source,
                                                         const std::string& val_source, const DataOptions& o,
                                                         uint64_t seed);

}  // namespace nnc::rt
