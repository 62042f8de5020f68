# Four pool workers touch 300 MB each under the rubric's 512M: the OOM killer kills one, and
# multiprocessing.Pool waits for its result forever, so the run ends at its timeout. The cause is
# memory, and the verdict must say so (memory_limit), not "timeout".
import multiprocessing as mp


def work(i):
    block = bytearray(300 << 20)
    for k in range(0, len(block), 4096):
        block[k] = 1
    return len(block)


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        print(sum(pool.map(work, range(4))), flush=True)
