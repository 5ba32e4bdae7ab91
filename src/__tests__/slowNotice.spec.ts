import { SlowNotice } from '../slowNotice';

describe('SlowNotice', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('shows nothing for work done within its delay', () => {
    const show = jest.fn(() => 'id-1');
    const notice = new SlowNotice(700, show);
    jest.advanceTimersByTime(699);
    expect(notice.stop()).toBeNull();
    jest.advanceTimersByTime(5000);
    expect(show).not.toHaveBeenCalled();
  });

  it('shows the notice once for slower work and hands back its id', () => {
    const show = jest.fn(() => 'id-2');
    const notice = new SlowNotice(700, show);
    jest.advanceTimersByTime(701);
    expect(show).toHaveBeenCalledTimes(1);
    expect(notice.stop()).toBe('id-2');
    jest.advanceTimersByTime(5000);
    expect(show).toHaveBeenCalledTimes(1);
  });
});
