# Helpers of the bench scripts, sourced by each (bash).
#   median        the median of the numbers on stdin (the upper one of an even count)
#   field NAME    the number after "NAME": in the JSON lines on stdin
#   ratio A B     A / B to two decimals
#   cpu_name      the CPU's model name, as lscpu gives it
# and the tables of the models they run (NAME, BATCHES, STEPS_OF, TORCH).
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
field() { sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cpu_name() { lscpu | sed -n 's/^Model name: *//p' | head -1; }

# The models the benches run (examples/NAME.nn): their train batches, the
# train steps timed per repeat (MLP_STEPS, default $STEPS or 200;
# LENET_STEPS, default 50; VGG_STEPS, default 10: a VGG step at batch 128
# takes ~0.1 s) and their PyTorch baseline.
declare -A NAME=([mlp]=fashion_mlp [lenet]=fashion_lenet [vgg]=fashion_vgg)
declare -A BATCHES=([mlp]="32 128" [lenet]=128 [vgg]=128)
declare -A STEPS_OF=([mlp]=${MLP_STEPS:-${STEPS:-200}} [lenet]=${LENET_STEPS:-50} [vgg]=${VGG_STEPS:-10})
declare -A TORCH=([mlp]="bench/torch_mlp.py" [lenet]="bench/torch_cnn.py --model lenet"
                  [vgg]="bench/torch_cnn.py --model vgg")
