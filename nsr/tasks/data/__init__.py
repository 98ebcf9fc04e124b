"""The generic task ``data``: (input, output) pairs from any JSON-lines or TSV file."""

from nsr.tasks.data.reader import DataFile, read_data_file, record_line
from nsr.tasks.data.task import DataTask

__all__ = ["DataFile", "DataTask", "read_data_file", "record_line"]
