// Reading whole files for the runtime's loaders (datasets, checkpoints). A
// failure is a DataError naming the file: "PATH: cannot open: <reason>" or
// "PATH: cannot read: <reason>".
#pragma once

#include <string>

#include "runtime/dataset.h"  // DataError

namespace nnc::rt {

// Reads FD to its end and closes it; PATH names the file in the error.
std::string read_to_end(int fd, const std::string& path);

// Opens PATH read-only and reads it whole.
std::string read_whole_file(const std::string& path);

}  // namespace nnc::rt
