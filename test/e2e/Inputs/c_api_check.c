/* The C API of tiny (Inputs/tiny_classifier.nn: 2 inputs, 3 classes,
 * dense(3), sgd lr 0.1), call by call: each failure's status and message,
 * and what must hold after it. Built against tiny.h by lib_c_api.test, once
 * for the full library and once for --inference-only (TINY_TRAINS 0) of
 * tiny_unscaled.nn (the same model with standardize off).
 *
 *   c_api_check OTHER.safetensors    (a weights file of another model)
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tiny.h"

static int failures = 0;

/* Prints "what: status N: message" and checks the status. */
static void expect(const char* what, tiny_status got, tiny_status want, const tiny_model* m) {
  printf("%s: status %d: %s\n", what, (int)got, got == TINY_OK ? "" : tiny_last_error(m));
  if (got != want) printf("FAIL: %s: status %d, expected %d\n", what, (int)got, (int)want), ++failures;
}

static void require(int condition, const char* what) {
  if (!condition) printf("FAIL: %s\n", what), ++failures;
}

static const float kX[8] = {1, 0, 0, 1, 1, 1, 0, 0};  /* 4 samples */
static const tiny_target kT[4] = {1, 2, 0, 1};

/* Two handles on two threads at once must give what one gives alone. */
struct run {
  float weights[6];
};
static void* train_twenty(void* arg) {
  struct run* r = (struct run*)arg;
  tiny_model* m = NULL;
  tiny_create(7, &m);
#if TINY_TRAINS
  float loss = 0;
  for (int i = 0; i < 20; ++i) tiny_train_step(m, kX, kT, 4, &loss);
#endif
  tiny_get_param(m, "dense0.weight", r->weights, 6);
  tiny_destroy(m);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 2) return fprintf(stderr, "usage: c_api_check OTHER.safetensors\n"), 2;
  tiny_model* m = NULL;
  float out[12], w[6], before[6], loss = 0;
  double value = 0;
  int64_t dims[4];
  int rank = 0;

  /* Shapes and names need no handle. */
  rank = tiny_input_shape(dims);
  printf("input rank %d [%lld], ", rank, (long long)dims[0]);
  rank = tiny_output_shape(dims);
  printf("output rank %d [%lld], ", rank, (long long)dims[0]);
  printf("target rank %d, classes %lld, probabilities %d\n", tiny_target_shape(dims), (long long)tiny_classes(),
         tiny_outputs_probabilities());
  printf("params %d: %s %s %s\n", tiny_param_count(), tiny_param_name(0), tiny_param_name(1),
         tiny_param_name(2) ? "?" : "(null)");
  expect("param_shape", tiny_param_shape("dense0.weight", dims, &rank), TINY_OK, NULL);
  printf("dense0.weight rank %d [%lld, %lld]\n", rank, (long long)dims[0], (long long)dims[1]);
  expect("param_shape unknown", tiny_param_shape("dense9.weight", dims, &rank), TINY_ERROR_NAME, NULL);
  printf("hyperparameters %d:", tiny_hyperparameter_count());
  for (int i = 0; i < tiny_hyperparameter_count(); ++i) printf(" %s", tiny_hyperparameter_name(i));
  printf("\n");
  expect("set_threads -1", tiny_set_threads(-1), TINY_ERROR_VALUE, NULL);
  expect("set_threads 2", tiny_set_threads(2), TINY_OK, NULL);

  expect("create NULL", tiny_create(1, NULL), TINY_ERROR_NULL, NULL);
  expect("predict NULL handle", tiny_predict(NULL, kX, 1, out, 3), TINY_ERROR_NULL, NULL);
  expect("create", tiny_create(1, &m), TINY_OK, m);
  printf("device %s\n", tiny_device(m));
  expect("set_device cuda", tiny_set_device(m, "cuda"), TINY_ERROR_UNSUPPORTED, m);
  expect("set_device tpu", tiny_set_device(m, "tpu"), TINY_ERROR_VALUE, m);
  expect("set_device cpu", tiny_set_device(m, "cpu"), TINY_OK, m);
#if TINY_TRAINS
  /* tiny standardises its inputs (standardize on, the default): it needs statistics first. */
  expect("predict before statistics", tiny_predict(m, kX, 1, out, 3), TINY_ERROR_NOT_READY, m);
  expect("save before statistics", tiny_save_weights(m, "early.safetensors"), TINY_ERROR_NOT_READY, m);
  expect("fit_input_statistics", tiny_fit_input_statistics(m, kX, 4), TINY_OK, m);
#else
  /* the inference-only library is compiled from tiny_unscaled.nn: standardize off */
  expect("fit_input_statistics", tiny_fit_input_statistics(m, kX, 4), TINY_ERROR_UNSUPPORTED, m);
#endif

  /* predict's arguments */
  expect("predict NULL inputs", tiny_predict(m, NULL, 1, out, 3), TINY_ERROR_NULL, m);
  expect("predict count 0", tiny_predict(m, kX, 0, out, 3), TINY_ERROR_SIZE, m);
  expect("predict short outputs", tiny_predict(m, kX, 1, out, 2), TINY_ERROR_SIZE, m);
  expect("predict short outputs 4", tiny_predict(m, kX, 4, out, 11), TINY_ERROR_SIZE, m);
  float bad[2] = {1, NAN};
  expect("predict nan", tiny_predict(m, bad, 1, out, 3), TINY_ERROR_VALUE, m);
  expect("predict", tiny_predict(m, kX, 4, out, 12), TINY_OK, m);
  require(fabsf(out[0] + out[1] + out[2] - 1) < 1e-5f, "predict: probabilities sum to 1");

  /* weights */
  expect("load missing", tiny_load_weights(m, "no-such-file.safetensors"), TINY_ERROR_FILE, m);
  tiny_get_param(m, "dense0.weight", before, 6);
  expect("load other model's", tiny_load_weights(m, argv[1]), TINY_ERROR_FILE, m);
  tiny_get_param(m, "dense0.weight", w, 6);
  require(memcmp(w, before, sizeof w) == 0, "a rejected file changes nothing");
  expect("save unwritable", tiny_save_weights(m, "no-such-dir/w.safetensors"), TINY_ERROR_FILE, m);
  expect("load NULL path", tiny_load_weights(m, NULL), TINY_ERROR_NULL, m);

  /* parameters by name */
  expect("get_param unknown", tiny_get_param(m, "dense1.bias", w, 3), TINY_ERROR_NAME, m);
  expect("get_param short", tiny_get_param(m, "dense0.weight", w, 5), TINY_ERROR_SIZE, m);
  float set[6] = {1, 2, 3, 4, 5, INFINITY};
  expect("set_param inf", tiny_set_param(m, "dense0.weight", set, 6), TINY_ERROR_VALUE, m);
  set[5] = 6;
  expect("set_param", tiny_set_param(m, "dense0.weight", set, 6), TINY_OK, m);
  expect("get_param", tiny_get_param(m, "dense0.weight", w, 6), TINY_OK, m);
  require(memcmp(w, set, sizeof w) == 0, "get_param returns what set_param set");

  /* hyperparameters */
  expect("get lr", tiny_get_hyperparameter(m, "lr", &value), TINY_OK, m);
  printf("lr %g\n", value);
  expect("get unknown", tiny_get_hyperparameter(m, "beta1", &value), TINY_ERROR_NAME, m);
  expect("set lr -1", tiny_set_hyperparameter(m, "lr", -1), TINY_ERROR_VALUE, m);
  expect("set lr nan", tiny_set_hyperparameter(m, "lr", NAN), TINY_ERROR_VALUE, m);
  expect("set unknown", tiny_set_hyperparameter(m, "beta2", 0.9), TINY_ERROR_NAME, m);

  /* training */
  tiny_target bad_label[1] = {3};
#if TINY_TRAINS
  expect("train_step label 3", tiny_train_step(m, kX, bad_label, 1, &loss), TINY_ERROR_VALUE, m);
  expect("train_step NULL targets", tiny_train_step(m, kX, NULL, 1, &loss), TINY_ERROR_NULL, m);
  expect("train_step", tiny_train_step(m, kX, kT, 4, &loss), TINY_OK, m);
  printf("steps %lld\n", (long long)tiny_steps(m));
  /* A huge learning rate: the update overflows (forward values finite); the
   * step is undone. The target is the class predicted least, so the gradient is not 0. */
  const float big[2] = {1e4f, -1e4f};
  tiny_target least = 0;
  tiny_predict(m, big, 1, out, 3);
  for (int c = 1; c < 3; ++c)
    if (out[c] < out[least]) least = c;
  tiny_get_param(m, "dense0.weight", before, 6);
  expect("set lr 1e38", tiny_set_hyperparameter(m, "lr", 1e38), TINY_OK, m);
  expect("train_step update overflows", tiny_train_step(m, big, &least, 1, &loss), TINY_ERROR_DIVERGED, m);
  tiny_get_param(m, "dense0.weight", w, 6);
  require(memcmp(w, before, sizeof w) == 0, "a diverged step is undone");
  printf("steps %lld\n", (long long)tiny_steps(m));
  /* Weights so large that the forward pass overflows. */
  const float huge[6] = {3e38f, 3e38f, 3e38f, 3e38f, 3e38f, 3e38f};
  tiny_set_hyperparameter(m, "lr", 0.1);
  tiny_set_param(m, "dense0.weight", huge, 6);
  expect("train_step forward overflows", tiny_train_step(m, kX, kT, 4, &loss), TINY_ERROR_DIVERGED, m);
  tiny_set_param(m, "dense0.weight", before, 6);
#else
  expect("train_step inference-only", tiny_train_step(m, kX, kT, 4, &loss), TINY_ERROR_UNSUPPORTED, m);
#endif
  expect("evaluate label 3", tiny_evaluate(m, kX, bad_label, 1, &loss), TINY_ERROR_VALUE, m);
  expect("evaluate", tiny_evaluate(m, kX, kT, 4, &loss), TINY_OK, m);
  require(isfinite(loss) && loss > 0, "evaluate: a positive loss");

  /* save and load: the same predictions from a new handle */
  float again[12];
  tiny_model* copy = NULL;
  expect("save", tiny_save_weights(m, "saved.safetensors"), TINY_OK, m);
  tiny_create(99, &copy);
  expect("load saved", tiny_load_weights(copy, "saved.safetensors"), TINY_OK, copy);
  tiny_predict(m, kX, 4, out, 12);
  tiny_predict(copy, kX, 4, again, 12);
  require(memcmp(out, again, sizeof out) == 0, "a saved and loaded model predicts the same");
  tiny_destroy(copy);
  tiny_destroy(m);
  tiny_destroy(NULL);

  /* two handles, two threads */
  struct run alone, one, two;
  pthread_t a, b;
  train_twenty(&alone);
  pthread_create(&a, NULL, train_twenty, &one);
  pthread_create(&b, NULL, train_twenty, &two);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  require(memcmp(one.weights, alone.weights, sizeof w) == 0 && memcmp(two.weights, alone.weights, sizeof w) == 0,
          "two handles trained at once on two threads end as one alone");
  printf("%s\n", failures ? "FAILED" : "all checks passed");
  return failures != 0;
}
