"""A gRPC client of the Open Inference Protocol built from Triton's published definitions, and Python
onnxruntime on the same tensors.

python3 grpcClient.py <grpc_service.proto> <host:port> <token> <model name> <model.onnx>

Compiles grpc_service.proto (and model_config.proto beside it) with grpcio-tools, then calls ServerLive,
ServerReady, ServerMetadata, ModelMetadata, ModelReady and ModelInfer (raw_input_contents and typed
contents) with the token as `authorization` metadata, and once without it and once with a wrong token.
Prints one JSON line: what each call answered and whether the outputs equal onnxruntime's on the same
tensors.
"""
import importlib
import json
import os
import sys
import tempfile

import grpc
import numpy as np
import onnxruntime as ort
from grpc_tools import protoc

proto, address, token, model, onnx_path = sys.argv[1:6]
out = tempfile.mkdtemp()
include = os.path.join(os.path.dirname(importlib.import_module("grpc_tools").__file__), "_proto")
folder = os.path.dirname(proto)
if protoc.main(["protoc", f"-I{folder}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", proto, os.path.join(folder, "model_config.proto")]) != 0:
    sys.exit("protoc could not compile " + proto)
sys.path.insert(0, out)
pb = importlib.import_module("grpc_service_pb2")
rpc = importlib.import_module("grpc_service_pb2_grpc")

stub = rpc.GRPCInferenceServiceStub(grpc.insecure_channel(address))
auth = [("authorization", f"Bearer {token}")]
report = {}
report["live"] = stub.ServerLive(pb.ServerLiveRequest()).live
report["ready"] = stub.ServerReady(pb.ServerReadyRequest()).ready
meta = stub.ServerMetadata(pb.ServerMetadataRequest(), metadata=auth)
report["server"] = meta.name
model_meta = stub.ModelMetadata(pb.ModelMetadataRequest(name=model), metadata=auth)
report["inputs"] = [[t.name, t.datatype, list(t.shape)] for t in model_meta.inputs]
report["outputs"] = [[t.name, t.datatype, list(t.shape)] for t in model_meta.outputs]
report["model_ready"] = stub.ModelReady(pb.ModelReadyRequest(name=model), metadata=auth).ready

rng = np.random.default_rng(7)
images = rng.integers(0, 256, size=(3, 5, 4, 3), dtype=np.uint8)
images[1] //= 4
session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
names = [o.name for o in session.get_outputs()]
expected = dict(zip(names, session.run(None, {"image": images})))


def answer(response):
    got = {}
    for tensor, raw in zip(response.outputs, response.raw_output_contents):
        dtype = {"FP32": np.float32, "INT64": np.int64, "INT32": np.int32, "UINT8": np.uint8, "BOOL": np.bool_}[tensor.datatype]
        got[tensor.name] = np.frombuffer(raw, dtype=dtype).reshape(list(tensor.shape))
    return got


def agrees(got):
    return sorted(got) == sorted(expected) and all(got[n].shape == expected[n].shape and np.allclose(got[n], expected[n], atol=1e-6, rtol=0) for n in expected)


tensor = pb.ModelInferRequest.InferInputTensor(name="image", datatype="UINT8", shape=list(images.shape))
raw = stub.ModelInfer(pb.ModelInferRequest(model_name=model, id="raw", inputs=[tensor], raw_input_contents=[images.tobytes()]), metadata=auth)
report["raw_id"] = raw.id
report["raw_agrees"] = agrees(answer(raw))
typed_tensor = pb.ModelInferRequest.InferInputTensor(name="image", datatype="UINT8", shape=list(images.shape), contents=pb.InferTensorContents(uint_contents=images.ravel().tolist()))
report["typed_agrees"] = agrees(answer(stub.ModelInfer(pb.ModelInferRequest(model_name=model, inputs=[typed_tensor]), metadata=auth)))
one = stub.ModelInfer(pb.ModelInferRequest(model_name=model, inputs=[tensor], outputs=[pb.ModelInferRequest.InferRequestedOutputTensor(name="top")], raw_input_contents=[images.tobytes()]), metadata=auth)
report["only_top"] = [t.name for t in one.outputs]


def refused(call):
    try:
        call()
        return None
    except grpc.RpcError as error:
        return [error.code().name, error.details()]


report["no_token"] = refused(lambda: stub.ModelMetadata(pb.ModelMetadataRequest(name=model)))
report["wrong_token"] = refused(lambda: stub.ModelInfer(pb.ModelInferRequest(model_name=model, inputs=[tensor], raw_input_contents=[images.tobytes()]), metadata=[("authorization", "Bearer wrong-token-0123456789")]))
report["unknown_model"] = refused(lambda: stub.ModelReady(pb.ModelReadyRequest(name="nope"), metadata=auth))
bad = pb.ModelInferRequest.InferInputTensor(name="image", datatype="FP32", shape=list(images.shape))
report["wrong_datatype"] = refused(lambda: stub.ModelInfer(pb.ModelInferRequest(model_name=model, inputs=[bad], raw_input_contents=[images.tobytes()]), metadata=auth))
print(json.dumps(report))
