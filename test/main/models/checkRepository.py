"""Checks an exported Loupe model repository with tools that are not Loupe's.

python3 checkRepository.py <repository root> <model name> [<model_config.proto>]

- Python onnxruntime runs <model>/1/model.onnx on every golden/NNN/image.npy and must reproduce each
  golden output .npy (floats within 1e-5, integers exactly).
- A tiled detector's export: its own loupe_tiles.py on each golden/NNN/source_image.npy reproduces
  merged_*.npy (Loupe's merged answer) through the same session.
- With Triton's model_config.proto: config.pbtxt and configs/gpu.pbtxt parse as inference.ModelConfig
  (compiled with grpc_tools.protoc), and their inputs and outputs match the ONNX graph's names, types,
  dims and batch dimension.
Prints one JSON line with what it checked; exits 1 with the reasons on a mismatch.
"""
import glob
import importlib
import json
import os
import sys
import tempfile

import numpy as np
import onnxruntime as ort

root, model_name = sys.argv[1], sys.argv[2]
proto = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
model_dir = os.path.join(root, model_name)
problems = []
session = ort.InferenceSession(os.path.join(model_dir, "1", "model.onnx"), providers=["CPUExecutionProvider"])
output_names = [o.name for o in session.get_outputs()]

golden = sorted(glob.glob(os.path.join(root, "golden", "*")))
worst = 0.0
for case in golden:
    image = np.load(os.path.join(case, "image.npy"))
    results = dict(zip(output_names, session.run(None, {"image": image})))
    for name, value in results.items():
        expected = np.load(os.path.join(case, name + ".npy"))
        if expected.shape != value.shape or expected.dtype != value.dtype:
            problems.append(f"{case}/{name}: {value.dtype}{value.shape} instead of {expected.dtype}{expected.shape}")
        elif np.issubdtype(expected.dtype, np.floating):
            diff = float(np.max(np.abs(expected - value))) if expected.size else 0.0
            worst = max(worst, diff)
            if diff > 1e-5:
                problems.append(f"{case}/{name}: differs by {diff}")
        elif not np.array_equal(expected, value):
            problems.append(f"{case}/{name}: integers differ")

# A tiled detector: the export's own loupe_tiles.py, run on each golden image's decode, gives the merged answer.
tiled = 0
if os.path.exists(os.path.join(root, "loupe_tiles.py")):
    sys.path.insert(0, root)
    loupe_tiles = importlib.import_module("loupe_tiles")
    tiling = json.load(open(os.path.join(model_dir, "loupe.json")))["servingContract"]["tiling"]

    def run(tiles):
        return dict(zip(output_names, session.run(None, {"image": tiles})))

    for case in golden:
        width, height = (int(v) for v in np.load(os.path.join(case, "source_size.npy")))
        boxes, scores, classes = loupe_tiles.analyse(run, np.load(os.path.join(case, "source_image.npy")), width, height, tiling)
        count = int(np.load(os.path.join(case, "merged_count.npy"))[0, 0])
        want = {name: np.load(os.path.join(case, f"merged_{name}.npy"))[0] for name in ["boxes", "scores", "classes"]}
        tiled += 1
        if len(scores) != count:
            problems.append(f"{case}: loupe_tiles.py found {len(scores)} boxes instead of {count}")
            continue
        if not np.array_equal(classes, want["classes"]):
            problems.append(f"{case}: loupe_tiles.py classes {classes} instead of {want['classes']}")
        if count and (np.max(np.abs(scores - want["scores"])) > 1e-5 or np.max(np.abs(boxes - want["boxes"])) > 1e-5):
            problems.append(f"{case}: loupe_tiles.py boxes or scores differ")
    if tiled == 0:
        problems.append("loupe_tiles.py present but no golden image to run it on")

configs = 0
if proto:
    from google.protobuf import text_format
    from grpc_tools import protoc

    out = tempfile.mkdtemp()
    include = os.path.join(os.path.dirname(importlib.import_module("grpc_tools").__file__), "_proto")
    if protoc.main(["protoc", f"-I{os.path.dirname(proto)}", f"-I{include}", f"--python_out={out}", proto]) != 0:
        problems.append("protoc could not compile " + proto)
    else:
        sys.path.insert(0, out)
        model_config_pb2 = importlib.import_module("model_config_pb2")
        onnx_types = {"tensor(uint8)": "TYPE_UINT8", "tensor(float)": "TYPE_FP32", "tensor(int32)": "TYPE_INT32", "tensor(int64)": "TYPE_INT64", "tensor(bool)": "TYPE_BOOL"}
        for path in [os.path.join(model_dir, "config.pbtxt"), os.path.join(model_dir, "configs", "gpu.pbtxt")]:
            config = text_format.Parse(open(path).read(), model_config_pb2.ModelConfig())
            configs += 1
            if config.name != model_name:
                problems.append(f"{path}: name {config.name}")
            if config.backend != "onnxruntime" or config.max_batch_size <= 0:
                problems.append(f"{path}: backend {config.backend}, max_batch_size {config.max_batch_size}")
            for declared, actual in [(config.input, session.get_inputs()), (config.output, session.get_outputs())]:
                if [d.name for d in declared] != [a.name for a in actual]:
                    problems.append(f"{path}: tensors {[d.name for d in declared]} vs the graph's {[a.name for a in actual]}")
                    continue
                for d, a in zip(declared, actual):
                    type_name = model_config_pb2.DataType.Name(d.data_type)
                    if onnx_types.get(a.type) != type_name:
                        problems.append(f"{path}: {d.name} is {type_name}, the graph's {a.type}")
                    graph_dims = [x if isinstance(x, int) else -1 for x in a.shape]
                    if not isinstance(a.shape[0], str):
                        problems.append(f"{path}: {d.name} has no dynamic batch dimension in the graph")
                    if [-1] + list(d.dims) != graph_dims:
                        problems.append(f"{path}: {d.name} dims {list(d.dims)} vs the graph's {graph_dims}")
            kinds = [g.kind for g in config.instance_group]
            if not kinds or not config.HasField("dynamic_batching") or not config.model_warmup:
                problems.append(f"{path}: instance_group, dynamic_batching or model_warmup missing")

print(json.dumps({"golden": len(golden), "tiled": tiled, "configs": configs, "worst": worst, "problems": problems}))
sys.exit(1 if problems else 0)
