/* Two models' libraries in one program: fashion_mlp and fashion_lenet,
 * both created from seed 1, predict one image each (its pixels i % 7 / 7)
 * and save their initial weights; lib_two_models.test compares the
 * predictions with each library's alone (predict.py on its .so).
 * Prints what `./MODEL predict` prints, and writes the image as CSV. */
#include <stdio.h>

#include "fashion_lenet.h"
#include "fashion_mlp.h"

static void print_row(const float* p, int n) {
  int best = 0;
  for (int c = 1; c < n; ++c)
    if (p[c] > p[best]) best = c;
  printf("class %d  p=", best);
  for (int c = 0; c < n; ++c) printf(c ? " %g" : "%g", p[c]);
  printf("\n");
}

int main(void) {
  float x[FASHION_MLP_INPUT_SIZE], y_mlp[FASHION_MLP_OUTPUT_SIZE], y_lenet[FASHION_LENET_OUTPUT_SIZE];
  fashion_mlp_model* mlp = NULL;
  fashion_lenet_model* lenet = NULL;
  FILE* csv = fopen("image.csv", "w");
  if (!csv) return 1;
  for (int i = 0; i < FASHION_MLP_INPUT_SIZE; ++i) {
    x[i] = (float)(i % 7) / 7.0f;
    fprintf(csv, i ? ",%.9g" : "%.9g", x[i]);
  }
  fprintf(csv, "\n");
  fclose(csv);
  /* Both standardise their inputs (standardize on): statistics of the one image. */
  if (fashion_mlp_create(1, &mlp) != FASHION_MLP_OK || fashion_lenet_create(1, &lenet) != FASHION_LENET_OK ||
      fashion_mlp_fit_input_statistics(mlp, x, 1) != FASHION_MLP_OK ||
      fashion_lenet_fit_input_statistics(lenet, x, 1) != FASHION_LENET_OK ||
      fashion_mlp_predict(mlp, x, 1, y_mlp, FASHION_MLP_OUTPUT_SIZE) != FASHION_MLP_OK ||
      fashion_lenet_predict(lenet, x, 1, y_lenet, FASHION_LENET_OUTPUT_SIZE) != FASHION_LENET_OK ||
      fashion_mlp_save_weights(mlp, "mlp.safetensors") != FASHION_MLP_OK ||
      fashion_lenet_save_weights(lenet, "lenet.safetensors") != FASHION_LENET_OK) {
    fprintf(stderr, "two_models: %s | %s\n", fashion_mlp_last_error(mlp), fashion_lenet_last_error(lenet));
    return 1;
  }
  print_row(y_mlp, FASHION_MLP_OUTPUT_SIZE);
  print_row(y_lenet, FASHION_LENET_OUTPUT_SIZE);
  fashion_mlp_destroy(mlp);
  fashion_lenet_destroy(lenet);
  return 0;
}
