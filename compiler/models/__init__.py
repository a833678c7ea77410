"""Built-in models: the digits network (train_digits.py writes digits_cnn.onnx)."""
