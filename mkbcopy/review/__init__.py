"""The offline preview gallery a reviewer opens in a browser."""
