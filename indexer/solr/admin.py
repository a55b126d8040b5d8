"""The cluster's collections: configset upload, a collection of 2 shards × 2 replicas per
build (filled on one replica a shard, then copied to the others), the alias that names the
current one, and its swap after a rebuild."""

from __future__ import annotations

import time
from typing import Any

from indexer.errors import EngineError, IndexMissingError
from indexer.solr.client import SolrClient
from indexer.solr.configset import configset_name, configset_zip

SHARDS = 2
REPLICAS = 2
# How long the copies of a filled build collection may take to become active: the new replicas
# fetch the leaders' index files (gigabytes at a million sections) and open them.
COPY_TIMEOUT = 3600.0
# Collections of one alias are named ALIAS_gNNN (the NNN-th build), as Whoosh's gen-N directories.
_GENERATION = "_g"


def configset_exists(client: SolrClient, name: str) -> bool:
    return name in client.get("admin/configs", {"action": "LIST"}).get("configSets", [])


def upload_configset(client: SolrClient) -> str:
    """Upload the product's configset unless the cluster has it; its name."""
    name = configset_name()
    if not configset_exists(client, name):
        client.post_bytes(
            "admin/configs",
            configset_zip(),
            "application/octet-stream",
            {"action": "UPLOAD", "name": name},
        )
    return name


def cluster_status(client: SolrClient) -> dict[str, Any]:
    return client.get("admin/collections", {"action": "CLUSTERSTATUS"}).get("cluster", {})


def aliases(client: SolrClient) -> dict[str, str]:
    return client.get("admin/collections", {"action": "LISTALIASES"}).get("aliases", {})


def current_collection(client: SolrClient, alias: str) -> str | None:
    """The collection the alias names, or None when there is none yet."""
    return aliases(client).get(alias)


def require_collection(client: SolrClient, alias: str) -> str:
    name = current_collection(client, alias)
    if name is None:
        raise IndexMissingError(
            f"no Solr collection {alias!r} yet: run `cppcc-search index --engine solr --init`"
        )
    return name


def collection_configset(client: SolrClient, collection: str) -> str | None:
    state = cluster_status(client).get("collections", {}).get(collection, {})
    return state.get("configName")


def generation_collections(client: SolrClient, alias: str) -> list[str]:
    """Every build collection of an alias, current or left over, oldest first."""
    names = client.get("admin/collections", {"action": "LIST"}).get("collections", [])
    prefix = alias + _GENERATION
    return sorted((n for n in names if n.startswith(prefix)), key=_generation_number)


def _generation_number(name: str) -> int:
    digits = name.rpartition(_GENERATION)[2]
    return int(digits) if digits.isdigit() else -1


def create_collection(client: SolrClient, alias: str, configset: str) -> str:
    """A new empty build collection for the alias, SHARDS shards of one replica each; its name.

    The build fills the one replica of each shard and add_replicas then copies it: a replica
    made by copying the filled index costs the cluster a file copy, where one that indexes the
    same documents alongside costs all the analysis again (about half of a build's CPU)."""
    existing = generation_collections(client, alias)
    number = max((_generation_number(n) for n in existing), default=0) + 1
    name = f"{alias}{_GENERATION}{number:03d}"
    client.get(
        "admin/collections",
        {
            "action": "CREATE",
            "name": name,
            "collection.configName": configset,
            "numShards": SHARDS,
            "replicationFactor": 1,
            "waitForFinalState": "true",
        },
    )
    wait_until_active(client, name)
    return name


def add_replicas(client: SolrClient, collection: str, timeout: float = COPY_TIMEOUT) -> int:
    """Give every shard of the collection REPLICAS replicas, each new one on a live node that
    holds none of its shard yet (the least loaded first), and wait until all are active; how
    many were added. Call it once the collection is filled and committed: a new replica
    recovers by copying its leader's index files."""
    status = cluster_status(client)
    shards = status.get("collections", {}).get(collection, {}).get("shards", {})
    live = list(status.get("live_nodes", []))
    load = {node: 0 for node in live}
    for info in shards.values():
        for replica in info.get("replicas", {}).values():
            if replica.get("node_name") in load:  # a node that is down takes no new replica
                load[replica["node_name"]] += 1
    added = 0
    for shard, info in sorted(shards.items()):
        replicas = info.get("replicas", {}).values()
        holders = {replica.get("node_name") for replica in replicas}
        for _ in range(REPLICAS - len(replicas)):
            node = _least_loaded(load, exclude=holders)
            params = {"action": "ADDREPLICA", "collection": collection, "shard": shard}
            if node is not None:  # else fewer nodes than replicas: Solr places it
                params["node"] = node
                holders.add(node)
                load[node] += 1
            client.get("admin/collections", params)
            added += 1
    if added:
        wait_until_active(client, collection, timeout)
    return added


def _least_loaded(load: dict[str, int], exclude: set[str]) -> str | None:
    free = [node for node in sorted(load) if node not in exclude]
    return min(free, key=lambda node: load[node], default=None)


def wait_until_active(client: SolrClient, collection: str, timeout: float = 120.0) -> None:
    """Wait until every replica of the collection is active."""
    deadline = time.monotonic() + timeout
    while True:
        replicas = collection_replicas(client, collection)
        if replicas and all(r["state"] == "active" for r in replicas):
            return
        if time.monotonic() > deadline:
            raise EngineError(f"collection {collection} did not become active in {timeout:.0f} s")
        time.sleep(0.5)


def collection_replicas(client: SolrClient, collection: str) -> list[dict[str, Any]]:
    """Every replica of the collection: shard, node name and state."""
    state = cluster_status(client).get("collections", {}).get(collection, {})
    return [
        {"shard": shard, "node": replica.get("node_name"), "state": replica.get("state")}
        for shard, info in state.get("shards", {}).items()
        for replica in info.get("replicas", {}).values()
    ]


def point_alias(client: SolrClient, alias: str, collection: str) -> None:
    """Make the alias name the collection (atomically for every reader)."""
    client.get(
        "admin/collections", {"action": "CREATEALIAS", "name": alias, "collections": collection}
    )


def delete_collection(client: SolrClient, collection: str) -> None:
    client.get("admin/collections", {"action": "DELETE", "name": collection})


def remove_other_collections(client: SolrClient, alias: str, keep: str) -> None:
    """Drop the alias's other build collections (replaced ones, leftovers of a failed build)."""
    for name in generation_collections(client, alias):
        if name != keep:
            delete_collection(client, name)
