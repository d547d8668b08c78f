// Reading and writing model weights in the safetensors format
// (https://github.com/huggingface/safetensors), so trained nnc models can be
// inspected and reused from Python, and checkpoints survive crashes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/dataset.h"  // DataError

namespace nnc::rt {

struct NamedTensor {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> data;  // product(shape) values, row-major
};

struct TensorFile {
    std::vector<NamedTensor> tensors;             // in data-offset order
    std::map<std::string, std::string> metadata;  // the "__metadata__" entry
    const NamedTensor* find(const std::string& name) const;  // nullptr when absent
};

// Writes F32 tensors atomically: PATH.tmp-<pid> in the same directory, fsync,
// rename over PATH, fsync the directory. On failure PATH is untouched, the
// temp file is removed, and DataError is thrown.
void save_safetensors(const std::string& path, const TensorFile& file);

// Reads and validates a safetensors file holding only F32 tensors.
TensorFile load_safetensors(const std::string& path);

}  // namespace nnc::rt
