/* An autoencoder's library (target x) takes NULL targets to mean the inputs:
 * evaluate gives the same loss with NULL as with the inputs passed twice,
 * and train_step with NULL targets lowers it. */
#include <stdio.h>

#include "tiny_ae.h"

int main(void) {
  const float inputs[4 * 4] = {1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1};
  tiny_ae_model* model = NULL;
  float with_null = 0, with_inputs = 0, after = 0, loss = 0;
  if (tiny_ae_create(1, &model) != 0) return 1;
  if (tiny_ae_evaluate(model, inputs, NULL, 4, &with_null) != 0 ||
      tiny_ae_evaluate(model, inputs, inputs, 4, &with_inputs) != 0)
    return 2;
  for (int step = 0; step < 200; ++step)
    if (tiny_ae_train_step(model, inputs, NULL, 4, &loss) != 0) return 3;
  if (tiny_ae_evaluate(model, inputs, NULL, 4, &after) != 0) return 4;
  printf("same loss: %s\n", with_null == with_inputs ? "yes" : "no");
  printf("trained: %s\n", after < with_null / 4 ? "yes" : "no");
  tiny_ae_destroy(model);
  return 0;
}
