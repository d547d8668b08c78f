// PNG pictures of the program (reconstruct's grid), written by the system's
// libpng, opened at run time as the CUDA driver is: a program that never
// draws one does not need it, and ldd lists no new library.
#pragma once
#include <string>
#include <vector>

namespace nnc::rt {

// A grey image of width x height values in [0, 1] (clamped; row-major, top
// row first) as an 8-bit PNG, written atomically (file_io.h). Throws a
// std::runtime_error naming the file and, where libpng is missing, the
// package to install.
void write_png_gray(const std::string& path, int width, int height, const std::vector<float>& values);

}  // namespace nnc::rt
