// Loading training data for nnc programs: IDX (MNIST-style), CSV, and the
// built-in toy sets. Every failure is a DataError with a one-line message
// saying what is wrong, where (file, line or record or byte), and what to do,
// because these messages are what a student sees when a path or file is wrong.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/printable.h"

namespace nnc::rt {

// Its message is made printable here, once for every message: a path or a
// field of the user's with a control byte in it reaches the terminal escaped
// (\x1b), never raw (printable.h).
struct DataError : std::runtime_error {
    explicit DataError(const std::string& message) : std::runtime_error(printable(message, std::string::npos)) {}
};

struct Dataset {
    std::string source;                 // e.g. ".../train-images-idx3-ubyte.gz" or "builtin.xor"
    std::string labels_source;          // file the labels/targets came from (IDX labels file; else == source)
    int64_t count = 0;                  // number of samples
    std::vector<int64_t> sample_shape;  // per-sample input shape, e.g. {28,28} or {2}
    std::vector<float> inputs;          // count * product(sample_shape), row-major, sample-major
    bool class_targets = false;         // true: labels[] holds class indices; false: targets[] holds floats
    std::vector<int32_t> labels;        // size count when class_targets, or kept beside an autoencoder's targets
    int64_t target_width = 0;           // floats per sample when !class_targets
    std::vector<float> targets;         // count * target_width
    std::vector<int64_t> lines;         // CSV: each sample's line in the file, for messages; else empty
    int64_t sample_size() const;        // product(sample_shape)
};

// IDX files (LeCun's format), gzipped or raw. Images (magic 0x00000803, unsigned
// bytes, N x rows x cols) become floats in [0,1]; labels (magic 0x00000801)
// become class indices.
Dataset load_idx(const std::string& images_path, const std::string& labels_path);

// A directory in the layout of /usr/share/datasets/fashion-mnist. split is
// "train" or "test" (the t10k files). A .gz file wins over a raw one.
Dataset load_idx_dir(const std::string& dir, const std::string& split);

// One sample per row: input_width numbers, then one class index
// (class_targets) or target_width numbers (0: inputs only, for prediction).
// '#' lines and blank lines are skipped; a first row with no numeric field is
// a header and is skipped.
Dataset load_csv(const std::string& path, int64_t input_width, int64_t target_width, bool class_targets);

// "or", "and", "xor": inputs {0,0},{0,1},{1,0},{1,1}, one 0/1 float target each.
Dataset builtin_dataset(const std::string& name);

// The samples of d at `index`, in that order; source gets `note` appended.
Dataset subset(const Dataset& d, const std::vector<int64_t>& index, const std::string& note);

// Every label must lie in [0, num_classes). No-op for float targets.
void check_labels(const Dataset& d, int64_t num_classes);

}  // namespace nnc::rt
