#include "runtime/png.h"

#include <dlfcn.h>
#include <png.h>  // the types only: libpng's symbols come from dlopen

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "runtime/file_io.h"

namespace nnc::rt {

void write_png_gray(const std::string& path, int width, int height, const std::vector<float>& values) {
  // Opened once, left open: the library is small and a process draws few pictures.
  static void* const libpng = dlopen("libpng16.so.16", RTLD_NOW | RTLD_LOCAL);
  if (!libpng) throw std::runtime_error(path + ": cannot write a PNG: libpng16.so.16 is missing; install libpng16-16");
  using WriteToMemory = int (*)(png_imagep, void*, png_alloc_size_t*, int, const void*, png_int_32, const void*);
  const auto write_to_memory = reinterpret_cast<WriteToMemory>(dlsym(libpng, "png_image_write_to_memory"));
  if (!write_to_memory)
    throw std::runtime_error(path + ": cannot write a PNG: libpng16.so.16 is older than 1.6.24; update libpng16-16");
  std::vector<unsigned char> pixels(values.size());
  std::transform(values.begin(), values.end(), pixels.begin(), [](float v) {
    return static_cast<unsigned char>(std::lround(255.0f * std::clamp(std::isfinite(v) ? v : 0.0f, 0.0f, 1.0f)));
  });
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = png_uint_32(width);
  image.height = png_uint_32(height);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  std::string bytes;
  if (write_to_memory(&image, nullptr, &size, 0, pixels.data(), width, nullptr)) {  // its size first
    bytes.resize(size);
    if (!write_to_memory(&image, bytes.data(), &size, 0, pixels.data(), width, nullptr)) size = 0;
    bytes.resize(size);
  }
  if (bytes.empty()) throw std::runtime_error(path + ": cannot write a PNG: " + image.message);
  write_file_atomically(path, bytes);
}

}  // namespace nnc::rt
