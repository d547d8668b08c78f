// Measures this machine's fp32 peak: independent fused multiply-adds on 16-wide
// vectors (AVX-512 when the compiler targets it), on T threads.
//
//   g++ -O2 -march=native -pthread bench/peak_flops.cpp -o build/bench/peak_flops
//   build/bench/peak_flops [--threads T] [--seconds S] [--repeats R]
//
// Each thread keeps ACC independent accumulators (enough to cover the FMA
// latency times the number of FMA pipes) and updates each one per iteration:
// acc = acc * a + b. One FMA on 16 floats is 32 FLOP. Prints ONE JSON object:
//   {"threads":T,"gflops":X,"gflops_per_thread":X/T,"isa":"...","vector_floats":16,...}
// where X is the best over R timed repeats (a peak: the maximum is the statistic).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
using Vec = __m512;
static inline Vec vset(float v) { return _mm512_set1_ps(v); }
static inline Vec vfma(Vec acc, Vec a, Vec b) { return _mm512_fmadd_ps(acc, a, b); }
static inline float vsum(Vec v) {
  alignas(64) float f[16];
  _mm512_store_ps(f, v);
  float s = 0;
  for (float x : f) s += x;
  return s;
}
static const char* kIsa = "avx512f (_mm512_fmadd_ps)";
#else
// Portable fallback: GCC vector extension of 16 floats (the compiler splits it
// into what the target has; contract a*b+c into FMA where it exists).
typedef float Vec __attribute__((vector_size(64)));
static inline Vec vset(float v) { return Vec{} + v; }
static inline Vec vfma(Vec acc, Vec a, Vec b) { return acc * a + b; }
static inline float vsum(Vec v) {
  float s = 0;
  for (int i = 0; i < 16; ++i) s += v[i];
  return s;
}
static const char* kIsa = "gcc vector extension (no AVX-512 at compile time)";
#endif

constexpr int kAcc = 16;  // independent accumulators (<= 32 zmm registers)

// Runs `iters` iterations of kAcc independent FMAs; returns a sum so the work stays.
__attribute__((noinline)) static float kernel(long iters, float seed) {
  const Vec a = vset(0.999999f), b = vset(1e-6f);  // acc -> 1, no overflow or denormals
  Vec acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = vset(seed + float(i));
  for (long n = 0; n < iters; ++n) {
#pragma GCC unroll 16
    for (int i = 0; i < kAcc; ++i) acc[i] = vfma(acc[i], a, b);
  }
  float s = 0;
  for (int i = 0; i < kAcc; ++i) s += vsum(acc[i]);
  return s;
}

static double run(int threads, long iters, float* sink) {
  std::vector<std::thread> pool;
  std::vector<float> out(size_t(threads), 0.0f);
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { out[size_t(t)] = kernel(iters, float(t)); });
  for (auto& th : pool) th.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (float v : out) *sink += v;
  return s;
}

int main(int argc, char** argv) {
  int threads = 1, repeats = 5;
  double seconds = 0.5;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 < argc && arg == "--threads") threads = std::atoi(argv[++i]);
    else if (i + 1 < argc && arg == "--seconds") seconds = std::atof(argv[++i]);
    else if (i + 1 < argc && arg == "--repeats") repeats = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--threads T] [--seconds S] [--repeats R]\n", argv[0]);
      return 2;
    }
  }
  if (threads < 1 || repeats < 1 || !(seconds > 0)) {
    std::fprintf(stderr, "peak_flops: --threads, --seconds and --repeats must be positive\n");
    return 2;
  }
  const double flop_per_iter = double(kAcc) * 16 * 2;  // kAcc FMAs on 16 floats
  float sink = 0;
  // Calibrate on one thread so that one repeat lasts about `seconds`.
  long iters = 1 << 16;
  for (double s = 0; (s = run(1, iters, &sink)) < 0.05;) iters *= 4;
  iters = long(double(iters) * seconds / run(1, iters, &sink)) + 1;

  double best = 0;
  std::vector<double> all;
  for (int r = 0; r < repeats; ++r) {
    double s = run(threads, iters, &sink);
    double g = flop_per_iter * double(iters) * threads / s / 1e9;
    all.push_back(g);
    if (g > best) best = g;
  }
  std::printf("{\"threads\":%d,\"gflops\":%.1f,\"gflops_per_thread\":%.1f,\"isa\":\"%s\",\"vector_floats\":16,"
              "\"accumulators\":%d,\"iters\":%ld,\"repeats\":%d,\"gflops_repeats\":[",
              threads, best, best / threads, kIsa, kAcc, iters, repeats);
  for (size_t i = 0; i < all.size(); ++i) std::printf("%s%.1f", i ? "," : "", all[i]);
  std::printf("],\"checksum\":%.3g}\n", double(sink));
  return 0;
}
