"""With S3_BUCKET set, files live in shared object storage: what one process (or machine) wrote,
another reads. Tested against a real S3-compatible server on this machine (moto's server)."""

import hashlib
import json
import os
import subprocess
import sys
import time

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests import files
from tests.processes import free_port
from tests.core.test_deployment_security import ROOT
from tests.dext_integration.conftest import api, dext_key, make_item, ready  # noqa: F401  (fixtures)
from workflows.models import RequestDocument


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=2)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline and server.poll() is None, "moto's server did not start"
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)


S3_ENV = {"S3_BUCKET": "approvals", "S3_REGION": "eu-west-2", "S3_ACCESS_KEY_ID": "testing",
          "S3_SECRET_ACCESS_KEY": "testing-secret"}  # fmt: skip


@pytest.fixture
def object_storage(s3_server, settings):
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2", aws_access_key_id="testing",
                      aws_secret_access_key="testing-secret")  # fmt: skip
    s3.create_bucket(Bucket="approvals", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": "approvals", "endpoint_url": s3_server, "region_name": "eu-west-2",
            "access_key": "testing", "secret_key": "testing-secret", "default_acl": None, "file_overwrite": False}},
    }  # fmt: skip
    yield s3
    for item in s3.list_objects_v2(Bucket="approvals").get("Contents", []):
        s3.delete_object(Bucket="approvals", Key=item["Key"])
    s3.delete_bucket(Bucket="approvals")


def other_process(s3_server: str, code: str) -> str:
    env = {**os.environ, **S3_ENV, "S3_ENDPOINT_URL": s3_server, "DJANGO_SETTINGS_MODULE": "approvalmax.settings.test"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_an_original_pushed_here_is_read_by_another_process(object_storage, s3_server, api, ready):
    data = files.pdf(pages=2)
    response = api.post("/api/dext/v1/cost-items/", {"item": json.dumps(make_item()), "document": ContentFile(
        data, name="INV-4411.pdf")}, format="multipart")  # fmt: skip
    assert response.status_code == 201, response.content

    document = RequestDocument.objects.get()
    keys = [item["Key"] for item in object_storage.list_objects_v2(Bucket="approvals")["Contents"]]
    assert document.file.name in keys
    read = other_process(s3_server, "import hashlib; from django.core.files.storage import default_storage as s; "
                                    f"print(hashlib.sha256(s.open({document.file.name!r}).read()).hexdigest())")
    assert read == hashlib.sha256(data).hexdigest() == document.sha256


@pytest.mark.django_db
def test_a_file_another_process_wrote_is_read_here(object_storage, s3_server):
    name = other_process(s3_server, "from django.core.files.base import ContentFile; "
                                    "from django.core.files.storage import default_storage as s; "
                                    "print(s.save('audit-reports/elsewhere.pdf', ContentFile(b'%PDF-1.7 written there')))")
    with default_storage.open(name) as stored:
        assert stored.read() == b"%PDF-1.7 written there"
