/* Batch-1 prediction through a generated library's C API: the median of
 * CALLS calls' wall time, as `./MODEL bench` measures the program's
 * (predict_latency_us). Compiled by bench/lib_overhead.sh once per model:
 *
 *   cc -O2 -DMODEL=fashion_mlp -DHEADER='"fashion_mlp.h"' lib_predict.c ... */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include HEADER

#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define API(function) CAT(MODEL, function)
#define STRING2(x) #x
#define STRING(x) STRING2(x)

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* The median of `calls` timed predictions of one input. */
static double median_latency_us(API(model)* m, const float* x, float* y, int64_t outputs, int calls) {
  double* times = malloc(sizeof(double) * (size_t)calls);
  for (int i = 0; i < calls; ++i) {
    double start = now_us();
    if (API(predict)(m, x, 1, y, outputs) != 0) {
      fprintf(stderr, "lib_predict: %s\n", API(last_error)(m));
      exit(1);
    }
    times[i] = now_us() - start;
  }
  qsort(times, (size_t)calls, sizeof(double), by_value);
  double median = times[calls / 2];
  free(times);
  return median;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  int64_t dims[4];
  int64_t inputs = 1, outputs = 1;
  for (int i = 0, rank = API(input_shape)(dims); i < rank; ++i) inputs *= dims[i];
  for (int i = 0, rank = API(output_shape)(dims); i < rank; ++i) outputs *= dims[i];
  float* x = malloc(sizeof(float) * (size_t)inputs);
  float* y = malloc(sizeof(float) * (size_t)outputs);
  for (int64_t i = 0; i < inputs; ++i) x[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
  API(model)* m = NULL;
  if (API(create)(1, &m) != 0 || API(set_threads)(threads) != 0) return fprintf(stderr, "lib_predict: create\n"), 1;
  /* A model with standardize on needs statistics; the program's bench fits
   * them the same way, so both standardise every input. */
  API(fit_input_statistics)(m, x, 1);
  median_latency_us(m, x, y, outputs, 200); /* warm up, as ./MODEL bench does */
  printf("{\"model\": \"%s\", \"threads\": %d, \"api_predict_latency_us\": %.2f}\n", STRING(MODEL), threads,
         median_latency_us(m, x, y, outputs, 2000));
  API(destroy)(m);
  free(x), free(y);
  return 0;
}
