// @vitest-environment happy-dom
// A form's error marks the inputs it names until each is typed in; the message stays until the
// next try. The public shell (sign-in, setup) has the app's name and VI | EN, no nav and no who.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { FormError } from '../src/components/formError.js';
import { Msg } from '../src/components/Msg.js';
import { showNotice, startPublicPage } from '../src/components/Shell.js';
import { setLang } from '../src/lib/i18n.js';

afterEach(() => {
  cleanup();
  setLang('vi');
  document.body.innerHTML = '';
});

function Form({ err }: { err: FormError }) {
  return (
    <form>
      <input data-testid="login" aria-invalid={err.invalid('login')} onInput={() => err.touch('login')} />
      <input data-testid="password" aria-invalid={err.invalid('password')} onInput={() => err.touch('password')} />
      <Msg msg={err.msg.value} testid="msg" />
    </form>
  );
}

describe('FormError', () => {
  it('marks the named inputs, unmarks one when typed in, and starts over with the next message', async () => {
    const err = new FormError();
    render(<Form err={err} />);
    act(() => err.set(() => ({ kind: 'error', title: 'Không đăng nhập được:', lines: ['Hãy nhập tên đăng nhập và mật khẩu.'], fields: ['login', 'password'] })));
    expect(screen.getByTestId('login').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('password').getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(screen.getByTestId('login'), { target: { value: 'a' } });
    await act(() => Promise.resolve());
    expect(screen.getByTestId('login').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.getByTestId('password').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('msg').textContent).toContain('Hãy nhập tên đăng nhập');
    act(() => err.set(() => ({ kind: 'error', title: 'x', fields: ['login'] })));
    expect(screen.getByTestId('login').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('password').hasAttribute('aria-invalid')).toBe(false);
    act(() => err.set(null));
    expect(screen.getByTestId('msg').getAttribute('data-kind')).toBeNull();
  });
});

describe('startPublicPage', () => {
  it('renders the app name, the language toggle, the notice and the page; no nav and no who', async () => {
    document.body.innerHTML = '<div id="app"></div>';
    act(() => startPublicPage({ title: 'signin.title', App: () => <p data-testid="page">trang</p> }));
    expect(document.querySelector('h1')?.textContent).toBe('Bảng điều khiển làng thông minh');
    expect(document.title).toBe('Đăng nhập · Bảng điều khiển làng thông minh');
    expect(screen.getByTestId('page').textContent).toBe('trang');
    expect(document.querySelector('nav')).toBeNull();
    expect(screen.queryByTestId('who')).toBeNull();
    expect(document.body.classList.contains('auth-page')).toBe(true);
    act(() => showNotice(() => 'Hệ thống đã được thiết lập: hãy đăng nhập.', { href: '/signin.html', text: 'setup.toSignIn', testid: 'to-signin' }));
    expect(screen.getByTestId('to-signin').getAttribute('href')).toBe('/signin.html');
    fireEvent.click(screen.getByTestId('lang-toggle'));
    await act(() => Promise.resolve());
    expect(document.title).toBe('Sign in · Smart village dashboard');
    expect(screen.getByTestId('to-signin').textContent).toBe('Go to sign-in');
  });
});
