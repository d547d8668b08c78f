// Helpers shared by the unit tests: temporary directories, raw file I/O, the
// message of an expected DataError, and seeded random values.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "runtime/dataset.h"  // DataError

namespace nnc::test {

using Bytes = std::vector<unsigned char>;

// A fresh directory per test, removed afterwards.
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/nnc_test_XXXXXX";
        const char* made = ::mkdtemp(tmpl);
        if (made == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = made;
    }
    ~TempDir() {
        ::chmod(path_.c_str(), 0700);  // a test may have made it read-only
        std::filesystem::remove_all(path_);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

inline void write_raw(const std::string& path, const Bytes& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    const size_t put = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    ASSERT_EQ(put, bytes.size()) << path;
}

// The file's bytes; empty if it cannot be opened.
inline Bytes read_raw(const std::string& path) {
    Bytes out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return out;
    int c;
    while ((c = std::fgetc(f)) != EOF) out.push_back(static_cast<unsigned char>(c));
    std::fclose(f);
    return out;
}

// The DataError message thrown by f, or a marker so a missing throw fails the
// comparison with a readable diff.
inline std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const nnc::rt::DataError& e) {
        return e.what();
    }
    return "<no DataError>";
}

// n values drawn uniformly from [lo, hi), the same for the same seed.
inline std::vector<float> random_values(size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = u(rng);
    return v;
}

}  // namespace nnc::test
