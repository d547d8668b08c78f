/* classify.c: a plain C program that classifies Fashion-MNIST images with
 * the library nnc compiled from examples/fashion_mlp.nn.
 *
 *   nnc examples/fashion_mlp.nn --lib -o out/fashion_mlp
 *   ./fashion_mlp train --save fashion_mlp.safetensors      (or the API's train_step)
 *   cc classify.c $(pkg-config --cflags --libs fashion_mlp) -lz -o classify
 *   ./classify fashion_mlp.safetensors /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
 *              /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
 *
 * (PKG_CONFIG_PATH=out finds fashion_mlp.pc.) It prints the first images'
 * classes and the accuracy over the file; zlib reads the gzipped IDX files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "fashion_mlp.h"

static const char* const kClassNames[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/* A big-endian 32-bit field of an IDX header. */
static int read_u32(gzFile f, uint32_t* v) {
  unsigned char b[4];
  if (gzread(f, b, 4) != 4) return 0;
  *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  return 1;
}

/* An IDX file's bytes after its header (magic, then `dims` sizes); *count
 * gets the first size and *each the product of the others. NULL on failure. */
static unsigned char* read_idx(const char* path, uint32_t magic, int dims, uint32_t* count, uint32_t* each) {
  gzFile f = gzopen(path, "rb");
  uint32_t m = 0, size = 0;
  if (!f) return NULL;
  *each = 1;
  if (!read_u32(f, &m) || m != magic || !read_u32(f, count)) return gzclose(f), NULL;
  for (int d = 1; d < dims; ++d) {
    if (!read_u32(f, &size)) return gzclose(f), NULL;
    *each *= size;
  }
  size_t bytes = (size_t)*count * *each;
  unsigned char* data = malloc(bytes);
  if (data && gzread(f, data, (unsigned)bytes) != (int)bytes) free(data), data = NULL;
  gzclose(f);
  return data;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s WEIGHTS.safetensors IMAGES.idx3.gz LABELS.idx1.gz\n", argv[0]);
    return 2;
  }
  uint32_t count = 0, pixels = 0, label_count = 0, one = 0;
  unsigned char* images = read_idx(argv[2], 0x803, 3, &count, &pixels);
  unsigned char* labels = read_idx(argv[3], 0x801, 1, &label_count, &one);
  if (!images || !labels || label_count != count || pixels != FASHION_MLP_INPUT_SIZE) {
    fprintf(stderr, "classify: cannot read %s and %s as IDX images of %d pixels and their labels\n", argv[2], argv[3],
            FASHION_MLP_INPUT_SIZE);
    return 1;
  }

  fashion_mlp* model = NULL;
  if (fashion_mlp_create(1, &model) != FASHION_MLP_OK || fashion_mlp_load_weights(model, argv[1]) != FASHION_MLP_OK) {
    fprintf(stderr, "classify: %s\n", fashion_mlp_last_error(model));
    return 1;
  }
  /* The whole file as one batch: pixels as floats in [0, 1], as the program reads them. */
  float* inputs = malloc(sizeof(float) * (size_t)count * FASHION_MLP_INPUT_SIZE);
  float* outputs = malloc(sizeof(float) * (size_t)count * FASHION_MLP_OUTPUT_SIZE);
  if (!inputs || !outputs) return fprintf(stderr, "classify: out of memory\n"), 1;
  for (size_t i = 0; i < (size_t)count * FASHION_MLP_INPUT_SIZE; ++i) inputs[i] = images[i] / 255.0f;
  if (fashion_mlp_predict(model, inputs, count, outputs, (int64_t)count * FASHION_MLP_OUTPUT_SIZE) != FASHION_MLP_OK) {
    fprintf(stderr, "classify: %s\n", fashion_mlp_last_error(model));
    return 1;
  }

  uint32_t right = 0;
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
  free(inputs), free(outputs), free(images), free(labels);
  return 0;
}
