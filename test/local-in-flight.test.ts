import { InFlightWork } from '../lambdas/local/in-flight-work';

describe('work in flight in local mode', () => {
  it('settles once everything tracked has, including work added while waiting, failures too', async () => {
    const work = new InFlightWork();
    let finishLate: (() => void) | undefined;
    work.track(
      new Promise<void>((resolve) => {
        setTimeout(() => {
          work.track(new Promise<void>((late) => (finishLate = late)));
          resolve();
        }, 5);
      }),
    );
    work.track(Promise.reject(new Error('a failed run is still finished')));
    const settled = work.settled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(work.size).toBe(1);
    finishLate?.();
    await expect(settled).resolves.toBe(true);
    expect(work.size).toBe(0);
  });

  it('stops waiting after the timeout when something never finishes', async () => {
    const work = new InFlightWork();
    work.track(new Promise<void>(() => undefined));
    await expect(work.settled(20)).resolves.toBe(false);
    expect(work.size).toBe(1);
  });
});
