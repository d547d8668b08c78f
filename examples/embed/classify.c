/* classify.c: a plain C program that classifies Fashion-MNIST images with
 * the library nnc compiles from examples/fashion_mlp.nn.
 *
 *   nnc examples/fashion_mlp.nn --lib -o out/fashion_mlp
 *   ./fashion_mlp train --save fashion_mlp.safetensors     (or train_loop)
 *   cc classify.c $(PKG_CONFIG_PATH=out pkg-config --cflags --libs fashion_mlp) -lz -o classify
 *   ./classify fashion_mlp.safetensors /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
 *              /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
 *
 * It prints the first images' classes and the accuracy over the file,
 * which `./fashion_mlp eval` prints too. */
#include <stdio.h>

#include "fashion_mlp.h"
#include "idx.h"

static const char* const kClassNames[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

int main(int argc, char** argv) {
  uint32_t count = 0, label_count = 0, right = 0;
  fashion_mlp_model* model = NULL;
  float* images;
  float* outputs;
  int32_t* labels;
  if (argc != 4) {
    fprintf(stderr, "usage: %s WEIGHTS.safetensors IMAGES.idx3.gz LABELS.idx1.gz\n", argv[0]);
    return 2;
  }
  images = idx_images(argv[2], FASHION_MLP_INPUT_SIZE, &count);
  labels = idx_labels(argv[3], &label_count);
  if (!images || !labels || label_count != count) {
    fprintf(stderr, "classify: cannot read %s and %s as IDX images of %d pixels and their labels\n", argv[2],
            argv[3], FASHION_MLP_INPUT_SIZE);
    return 1;
  }
  if (fashion_mlp_create(1, &model) != FASHION_MLP_OK || fashion_mlp_load_weights(model, argv[1]) != FASHION_MLP_OK) {
    fprintf(stderr, "classify: %s\n", fashion_mlp_last_error(model));
    return 1;
  }
  /* The whole file as one batch, into a buffer of ours. */
  outputs = malloc(sizeof(float) * (size_t)count * FASHION_MLP_OUTPUT_SIZE);
  if (!outputs) return fprintf(stderr, "classify: out of memory\n"), 1;
  if (fashion_mlp_predict(model, images, count, outputs, (int64_t)count * FASHION_MLP_OUTPUT_SIZE) != FASHION_MLP_OK) {
    fprintf(stderr, "classify: %s\n", fashion_mlp_last_error(model));
    return 1;
  }
  for (uint32_t s = 0; s < count; ++s) {
    const float* p = outputs + (size_t)s * FASHION_MLP_OUTPUT_SIZE;
    int best = 0;
    for (int c = 1; c < FASHION_MLP_OUTPUT_SIZE; ++c)
      if (p[c] > p[best]) best = c;
    right += best == labels[s];
    if (s < 5) printf("image %u: %-11s p=%.4f (label %s)\n", s, kClassNames[best], p[best], kClassNames[labels[s]]);
  }
  printf("accuracy %.4f (%u images)\n", (double)right / count, count);
  fashion_mlp_destroy(model);
  free(outputs), free(images), free(labels);
  return 0;
}
