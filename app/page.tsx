import { redirect } from 'next/navigation';

/** The tests list is the home page. */
export default function Home() {
  redirect('/tests');
}
