// @vitest-environment happy-dom
// The shared message box and a refusal in words: the message follows the language, and a form
// marks exactly the inputs the refusal names.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { invalid, Msg, refusal } from '../src/components/Msg.js';
import { ApiError } from '../src/lib/http.js';
import { setLang } from '../src/lib/i18n.js';

afterEach(() => {
  cleanup();
  setLang('vi');
});

function Form({ err }: { err: unknown }) {
  const msg = refusal(err, { label: (p) => (p === 'login' ? 'Tên đăng nhập' : p) });
  return (
    <form>
      <input data-testid="login" aria-invalid={invalid(msg, 'login')} defaultValue="typed" />
      <input data-testid="name" aria-invalid={invalid(msg, 'name')} />
      <Msg msg={msg} testid="msg" />
      <button type="button" onClick={() => setLang('en')}>en</button>
    </form>
  );
}

describe('Msg and refusal', () => {
  it('puts a 400 with issues in words, field by field, and marks only those inputs', () => {
    const err = new ApiError(400, { statusCode: 400, error: 'Bad Request', code: 'invalid', message: 'bad', issues: [{ path: 'body.login', message: 'too short' }] });
    render(<Form err={err} />);
    const box = screen.getByTestId('msg');
    expect(box.getAttribute('data-kind')).toBe('error');
    expect(box.textContent).toContain('Tên đăng nhập: too short');
    expect(screen.getByTestId('login').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('name').hasAttribute('aria-invalid')).toBe(false);
    // What was typed stays.
    expect((screen.getByTestId('login') as HTMLInputElement).value).toBe('typed');
  });

  it('follows the language toggle', async () => {
    const err = new ApiError(403, { statusCode: 403, error: 'Forbidden', code: 'csrf', message: 'csrf' });
    render(<Form err={err} />);
    const vi = screen.getByTestId('msg').textContent;
    fireEvent.click(screen.getByText('en'));
    await Promise.resolve();
    const en = screen.getByTestId('msg').textContent;
    expect(vi).toContain('Phiên làm việc của trang đã cũ');
    expect(en).toContain('This page’s session is out of date');
  });

  it('says the server could not be reached for status 0', () => {
    render(<Msg msg={refusal(new ApiError(0, { statusCode: 0, error: '', code: 'unreachable', message: '' }))} testid="m" />);
    expect(screen.getByTestId('m').textContent).toMatch(/máy chủ|kết nối/i);
  });
});
