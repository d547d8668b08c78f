/* idx.h: reads the gzipped IDX files of MNIST and Fashion-MNIST with zlib,
 * for the examples classify.c and train_loop.cpp. C99 and C++. */
#ifndef EMBED_IDX_H
#define EMBED_IDX_H

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

/* A big-endian 32-bit field of an IDX header. */
static int idx_read_u32(gzFile f, uint32_t* v) {
  unsigned char b[4];
  if (gzread(f, b, 4) != 4) return 0;
  *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  return 1;
}

/* An IDX file's bytes after its header: `magic` (0x803 images, 0x801
 * labels), then `dims` sizes; *count gets the first, *each the product of
 * the others. NULL if the file cannot be read as that. Free it with free(). */
static unsigned char* idx_read(const char* path, uint32_t magic, int dims, uint32_t* count, uint32_t* each) {
  gzFile f = gzopen(path, "rb");
  uint32_t m = 0, size = 0;
  size_t bytes;
  unsigned char* data;
  if (!f) return NULL;
  *each = 1;
  if (!idx_read_u32(f, &m) || m != magic || !idx_read_u32(f, count)) return gzclose(f), (unsigned char*)NULL;
  for (int d = 1; d < dims; ++d) {
    if (!idx_read_u32(f, &size)) return gzclose(f), (unsigned char*)NULL;
    *each *= size;
  }
  bytes = (size_t)*count * *each;
  data = (unsigned char*)malloc(bytes);
  if (data && gzread(f, data, (unsigned)bytes) != (int)bytes) free(data), data = NULL;
  gzclose(f);
  return data;
}

/* Images as floats in [0, 1], as the nnc programs read them; NULL on failure. */
static float* idx_images(const char* path, uint32_t pixels, uint32_t* count) {
  uint32_t each = 0;
  unsigned char* bytes = idx_read(path, 0x803, 3, count, &each);
  float* images = bytes && each == pixels ? (float*)malloc(sizeof(float) * (size_t)*count * pixels) : NULL;
  if (images)
    for (size_t i = 0; i < (size_t)*count * pixels; ++i) images[i] = bytes[i] / 255.0f;
  free(bytes);
  return images;
}

/* Labels as int32 class indices; NULL on failure. */
static int32_t* idx_labels(const char* path, uint32_t* count) {
  uint32_t one = 0;
  unsigned char* bytes = idx_read(path, 0x801, 1, count, &one);
  int32_t* labels = bytes ? (int32_t*)malloc(sizeof(int32_t) * *count) : NULL;
  if (labels)
    for (uint32_t i = 0; i < *count; ++i) labels[i] = bytes[i];
  free(bytes);
  return labels;
}

#endif
